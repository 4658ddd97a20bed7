"""A one-time code waiting in the broker is sealed, so the queue never holds it readable."""

import base64
import hashlib

from cryptography.fernet import Fernet
from django.conf import settings

SEAL_TTL_SECONDS = 600


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"otp-seal:{settings.OTP_HASH_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(code: str) -> str:
    return _fernet().encrypt(code.encode()).decode()


def unseal(sealed: str) -> str:
    """The code, or cryptography's InvalidToken when damaged or older than the TTL."""
    return _fernet().decrypt(sealed.encode(), ttl=SEAL_TTL_SECONDS).decode()
