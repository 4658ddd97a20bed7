"""Lockout: 5 failures lock an identifier for the address they came from, 100 for everyone."""

import time

import pytest

from accounts.models import LoginActivity, LoginEvent
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client, password, ip="198.51.100.1", login_id="member01"):
    return client.post(
        "/api/v1/auth/login", {"username": login_id, "password": password}, REMOTE_ADDR=ip
    )


def test_five_failures_lock_the_identifier_for_that_address(api_client, member):
    for _ in range(5):
        assert attempt(api_client, "wrong-password-1").status_code == 401
    locked = attempt(api_client, DEFAULT_PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "login_locked"
    assert 0 < int(locked["Retry-After"]) <= 900
    # The owner, elsewhere, is not locked out by a stranger's guesses.
    assert attempt(api_client, DEFAULT_PASSWORD, ip="203.0.113.7").status_code == 200


def test_the_lock_expires_after_15_minutes(api_client, member, monkeypatch):
    for _ in range(5):
        attempt(api_client, "wrong-password-1")
    assert attempt(api_client, DEFAULT_PASSWORD).status_code == 429
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert attempt(api_client, DEFAULT_PASSWORD).status_code == 200


def test_a_success_resets_the_count(api_client, member):
    for _ in range(4):
        attempt(api_client, "wrong-password-1")
    assert attempt(api_client, DEFAULT_PASSWORD).status_code == 200
    for _ in range(4):
        assert attempt(api_client, "wrong-password-1").status_code == 401
    assert attempt(api_client, DEFAULT_PASSWORD).status_code == 200


def test_unknown_identifiers_lock_like_known_ones(api_client):
    for _ in range(5):
        assert attempt(api_client, "x-wrong-pass", login_id="ghost").status_code == 401
    assert attempt(api_client, "x-wrong-pass", login_id="ghost").status_code == 429


def test_100_failures_from_anywhere_lock_everyone_out_and_tell_the_owner(api_client, member, inbox):
    for n in range(100):
        attempt(api_client, "wrong-password-1", ip=f"10.{n // 4}.0.{n % 4 + 1}")
    locked = attempt(api_client, DEFAULT_PASSWORD, ip="203.0.113.9")
    assert locked.status_code == 429
    assert LoginActivity.objects.filter(user=member, event=LoginEvent.LOCKED_OUT).count() == 1
    assert [m.subject for m in inbox.mail] == ["Sign-in locked"]


def test_one_address_failing_on_many_identifiers_is_throttled(api_client, member, monkeypatch):
    # With the address-blocking detector out of the way, the counter alone throttles.
    monkeypatch.setattr(
        "accounts.services.security.security_after_failed_login", lambda **kwargs: None
    )
    for n in range(50):
        attempt(api_client, "wrong-password-1", login_id=f"guess{n}")
    assert attempt(api_client, DEFAULT_PASSWORD).status_code == 429
    assert attempt(api_client, DEFAULT_PASSWORD, ip="203.0.113.10").status_code == 200


def test_every_failure_is_recorded(api_client, member):
    attempt(api_client, "wrong-password-1")
    activity = LoginActivity.objects.get(event=LoginEvent.LOGIN_FAILED)
    assert activity.user == member
    assert activity.ip == "198.51.100.1"
    assert activity.reason == "wrong_password"
    assert not activity.success
