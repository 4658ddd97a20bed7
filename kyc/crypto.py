"""Field-level encryption, blind indexes and masking for KYC identifiers.

Token format: ``v1:<key_id>:<urlsafe-b64(nonce || ciphertext || tag)>`` without ``=`` padding.
The key id travels with the ciphertext so keys can be rotated without a flag day: old tokens
stay readable while their key is still configured, and ``reencrypt`` moves them to the active key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_VERSION = "v1"
_KEY_BYTES = 32
_NONCE_BYTES = 12  # 96 bits: the size GCM is specified for; other sizes weaken it.
_TAG_BYTES = 16
# Key ids are restricted so they can never contain the ':' separator of the token.
_KEY_ID_RE = re.compile(r"[A-Za-z0-9_.-]+")
_B64_KEY_RE = re.compile(r"[A-Za-z0-9_-]+={0,2}")
_TOKEN_RE = re.compile(r"v1:([A-Za-z0-9_.-]+):([A-Za-z0-9_-]+)")


class DecryptionError(Exception):
    """A token could not be decrypted. Messages never include plaintext or key material."""


def generate_key() -> str:
    """Return a fresh 256-bit key as urlsafe-base64 text, suitable for the settings."""
    return base64.urlsafe_b64encode(os.urandom(_KEY_BYTES)).decode("ascii")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    # Padding is stripped on output (it is noise inside a token) and restored here;
    # keys copied from elsewhere may or may not carry it, so both forms are accepted.
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _decode_key(name: str, value: object) -> bytes:
    # urlsafe_b64decode silently drops foreign characters, so check the alphabet first.
    if not isinstance(value, str) or not _B64_KEY_RE.fullmatch(value.strip()):
        raise ImproperlyConfigured(f"{name} must be urlsafe-base64 text.")
    try:
        raw = _b64decode(value.strip().rstrip("="))
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{name} is not valid urlsafe-base64.") from None
    if len(raw) != _KEY_BYTES:
        raise ImproperlyConfigured(f"{name} must decode to {_KEY_BYTES} bytes, got {len(raw)}.")
    return raw


# Settings are read on every call rather than cached at import time, so the module can be
# imported before settings are complete and tests/KMS reloads take effect immediately.
def _encryption_keys() -> dict[str, bytes]:
    configured = getattr(settings, "FIELD_ENCRYPTION_KEYS", None)
    if not configured:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set: configure a dict of {key_id: urlsafe-base64 "
            "32-byte key} (see kyc.crypto.generate_key())."
        )
    if not isinstance(configured, dict):
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be a dict {key_id: key}.")
    keys: dict[str, bytes] = {}
    for key_id, value in configured.items():
        if not isinstance(key_id, str) or not _KEY_ID_RE.fullmatch(key_id):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS key id {key_id!r} must match [A-Za-z0-9_.-]+."
            )
        keys[key_id] = _decode_key(f"FIELD_ENCRYPTION_KEYS[{key_id!r}]", value)
    return keys


def _active_key_id(keys: dict[str, bytes]) -> str:
    active = getattr(settings, "FIELD_ENCRYPTION_ACTIVE_KEY", None) or list(keys)[-1]
    if active not in keys:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_ACTIVE_KEY {active!r} is not a key id in FIELD_ENCRYPTION_KEYS."
        )
    return active


def _hash_key() -> bytes:
    value = getattr(settings, "FIELD_HASH_KEY", None)
    if not value:
        raise ImproperlyConfigured("FIELD_HASH_KEY is not set (see kyc.crypto.generate_key()).")
    return _decode_key("FIELD_HASH_KEY", value)


def _aad(context: str) -> bytes:
    # An empty context would make every field share one domain, defeating the binding.
    if not context:
        raise ValueError("context must be a non-empty string")
    return context.encode("utf-8")


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt under the active key; ``context`` (e.g. "aadhaar") is authenticated, not stored."""
    keys = _encryption_keys()
    key_id = _active_key_id(keys)
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(keys[key_id]).encrypt(nonce, plaintext.encode("utf-8"), _aad(context))
    return f"{_VERSION}:{key_id}:{_b64encode(nonce + sealed)}"


def _parse(token: str) -> tuple[str, bytes]:
    match = _TOKEN_RE.fullmatch(token) if isinstance(token, str) else None
    if match is None:
        raise DecryptionError("Malformed encrypted value.")
    try:
        blob = _b64decode(match.group(2))
    except (binascii.Error, ValueError):
        raise DecryptionError("Malformed encrypted value.") from None
    if len(blob) < _NONCE_BYTES + _TAG_BYTES:
        raise DecryptionError("Malformed encrypted value.")
    return match.group(1), blob


def key_id_of(token: str) -> str:
    return _parse(token)[0]


def decrypt(token: str, *, context: str) -> str:
    key_id, blob = _parse(token)
    aad = _aad(context)
    key = _encryption_keys().get(key_id)
    if key is None:
        # The key id is an operator-chosen label, not secret, and it tells ops what is missing.
        raise DecryptionError(f"Unknown encryption key id {key_id!r}.")
    try:
        plaintext = AESGCM(key).decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], aad)
    except InvalidTag:
        # Wrong context, wrong key material or tampering are indistinguishable by design.
        raise DecryptionError("Encrypted value failed authentication.") from None
    return plaintext.decode("utf-8")


def active_key_id() -> str:
    """The id of the key new values are encrypted under (what rotation moves everything to)."""
    return _active_key_id(_encryption_keys())


def needs_rotation(token: str) -> bool:
    return key_id_of(token) != active_key_id()


def reencrypt(token: str, *, context: str) -> str:
    return encrypt(decrypt(token, context=context), context=context)


def blind_index(value: str, *, context: str) -> str:
    """Deterministic keyed hash for equality lookups; ``value`` must already be normalized.

    A separate key keeps the index useless for brute-forcing the small Aadhaar/PAN space to
    anyone holding only the database, and the context prefix stops equal values in different
    fields from producing linkable hashes.
    """
    if not context or "\x00" in context:
        raise ValueError("context must be non-empty and must not contain NUL")
    message = f"{context}\x00{value}".encode()
    return hmac.new(_hash_key(), message, hashlib.sha256).hexdigest()


def _mask_tail(value: str, visible: int) -> str:
    # Never reveal a value that is too short to hide anything.
    if len(value) <= visible:
        return "X" * len(value)
    return "X" * (len(value) - visible) + value[-visible:]


def _group_from_right(value: str, size: int = 4, sep: str = "-") -> str:
    head = len(value) % size
    groups = [value[:head]] if head else []
    groups += [value[i : i + size] for i in range(head, len(value), size)]
    return sep.join(groups)


def _compact(value: str) -> str:
    return re.sub(r"[\s-]", "", value)


def mask_aadhaar(value: str) -> str:
    """``"234567890123"`` -> ``"XXXX-XXXX-0123"`` (UIDAI permits showing only the last 4)."""
    return _group_from_right(_mask_tail(_compact(value), 4))


def mask_pan(value: str) -> str:
    """``"ABCPE1234F"`` -> ``"XXXXXX234F"``."""
    return _mask_tail(_compact(value).upper(), 4)


def mask_account_number(value: str) -> str:
    """``"123456789012"`` -> ``"XXXX-XXXX-9012"``; short first group on the left."""
    return _group_from_right(_mask_tail(_compact(value), 4))


def mask_gstin(value: str) -> str:
    """``"27AAPFU0939F1ZV"`` -> ``"27XXXXXXXXXX1ZV"``: state code and last 3 only.

    The middle hides the embedded PAN, which would otherwise leak through the GSTIN.
    """
    value = _compact(value).upper()
    if len(value) <= 5:
        return "X" * len(value)
    return value[:2] + "X" * (len(value) - 5) + value[-3:]
