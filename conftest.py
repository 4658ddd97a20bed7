import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import TestCase
from rest_framework.test import APIClient

from accounts.sms.backends import locmem as sms_outbox


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Throttle counters and cached state never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _test_delivery(settings):
    # Argon2 is deliberately slow; tests that measure hashing choose their own.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "accounts.sms.backends.locmem.SmsBackend"
    # Write API log rows at once, on the test's connection and inside its
    # transaction, so tests can read them.
    settings.API_LOG_BATCH = 0
    settings.API_LOG_DATABASE = "default"
    # Seal audit events after every commit, so tests see the chain at once.
    settings.AUDIT_SEAL_INTERVAL = 0
    sms_outbox.outbox.clear()


class CommittingClient(APIClient):
    """Runs each request's on-commit callbacks, as a real commit would.

    Tests run inside a transaction that never commits, so without this the
    codes that are sent after commit would never be sent.
    """

    def request(self, *args, **kwargs):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(*args, **kwargs)


@pytest.fixture
def api_client() -> APIClient:
    return CommittingClient()


class Inbox:
    """What the platform sent by SMS and e-mail, and the codes in it."""

    CODE = re.compile(r"\b(\d{6})\b")

    @property
    def sms(self) -> list:
        return sms_outbox.outbox

    @property
    def mail(self) -> list:
        return mail.outbox

    def code_for(self, destination: str) -> str:
        """The newest code sent to a phone number (E.164) or an e-mail address."""
        for message in reversed(self.sms):
            if message.to == destination:
                return self.CODE.search(message.body).group(1)
        for message in reversed(self.mail):
            if destination in message.to:
                return self.CODE.search(message.body).group(1)
        raise AssertionError(f"no code was sent to {destination}")

    def count_to(self, destination: str) -> int:
        return sum(m.to == destination for m in self.sms) + sum(
            destination in m.to for m in self.mail
        )


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def password_sign_in(api_client, inbox):
    """Sign in through the API with a password, giving the e-mailed or texted code when asked.

    Staff always get a second step; this completes it the way a person would.
    Returns the token reply.
    """
    from accounts.models import OtpChallenge
    from tests.factories import DEFAULT_PASSWORD

    # `username` is the login id; a body with `login_id` is a seed 003 client, whose
    # replies come in seed 003's envelope (tests/contracts/test_seed_003.py).
    def _sign_in(identifier: str, password: str = DEFAULT_PASSWORD, *, field="username", **extra):
        response = api_client.post(
            "/api/v1/auth/login", {field: identifier, "password": password, **extra}
        )
        if response.status_code != 200:
            pytest.fail(f"sign-in refused: {response.content!r}")
        body = response.json()
        if "request_id" not in body:
            return body
        challenge = OtpChallenge.objects.get(pk=body["request_id"])
        code = inbox.code_for(challenge.email or challenge.mobile)
        verified = api_client.post(
            "/api/v1/auth/verify_login_otp", {"request_id": body["request_id"], "otp": code}
        )
        if verified.status_code != 200:
            pytest.fail(f"second factor refused: {verified.content!r}")
        return verified.json()

    return _sign_in
