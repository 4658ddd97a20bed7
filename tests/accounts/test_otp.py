"""One-time codes: hashed, short-lived, five tries, used once, resent within limits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import OtpChallenge, OtpPurpose
from accounts.services.otp import otp_issue
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(api_client, two_factor_member, inbox):
    """A sign-in challenge of a two-factor account, and its code."""
    response = api_client.post(
        "/api/v1/auth/login", {"username": "secure01", "password": DEFAULT_PASSWORD}
    )
    request_id = response.json()["request_id"]
    return request_id, inbox.code_for("+919812345678")


def verify(client, request_id, code, **extra):
    return client.post(
        "/api/v1/auth/verify_login_otp", {"request_id": request_id, "otp": code}, **extra
    )


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_code_is_stored_only_as_a_hash(challenge):
    request_id, code = challenge
    stored = OtpChallenge.objects.get(pk=request_id)
    assert code not in stored.code_hash
    assert len(stored.code_hash) == 64
    assert code not in str(stored.payload)


def test_code_works_once(api_client, challenge):
    request_id, code = challenge
    assert verify(api_client, request_id, code).status_code == 200
    again = verify(api_client, request_id, code)
    assert again.status_code == 400
    assert again.json()["code"] == "otp_used"


def test_expired_code_is_refused(api_client, challenge):
    request_id, code = challenge
    OtpChallenge.objects.filter(pk=request_id).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = verify(api_client, request_id, code)
    assert response.status_code == 400
    assert response.json()["code"] == "otp_expired"


def test_codes_live_five_minutes(challenge):
    stored = OtpChallenge.objects.get(pk=challenge[0])
    assert stored.expires_at - stored.created_at == timedelta(minutes=5)


def test_five_wrong_codes_spend_the_challenge_whatever_the_address(api_client, challenge):
    request_id, code = challenge
    for attempt in range(5):
        response = verify(
            api_client, request_id, wrong(code), REMOTE_ADDR=f"198.51.100.{attempt + 1}"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "otp_invalid"
        assert f"{4 - attempt} attempt(s) left" in response.json()["message"]
    # The right code no longer helps: the challenge is spent.
    response = verify(api_client, request_id, code, REMOTE_ADDR="203.0.113.50")
    assert response.status_code == 429
    assert response.json()["code"] == "otp_attempts_exceeded"
    assert OtpChallenge.objects.get(pk=request_id).attempts == 5


def test_a_code_is_bound_to_its_purpose(api_client, challenge):
    request_id, code = challenge
    response = api_client.post(
        "/api/v1/otp/verify_otp", {"request_id": request_id, "otp": code, "purpose": "kyc_pan"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "otp_invalid"
    # Flow purposes cannot be spent through the standalone endpoint at all.
    response = api_client.post(
        "/api/v1/otp/verify_otp", {"request_id": request_id, "otp": code, "purpose": "login"}
    )
    assert response.status_code == 400
    assert "purpose" in response.json()["errors"]
    assert verify(api_client, request_id, code).status_code == 200


def test_a_code_is_bound_to_its_person(api_client, two_factor_member, inbox, monkeypatch):
    from tests.factories import UserFactory

    codes = iter(["111111", "222222"])
    monkeypatch.setattr("accounts.services.otp._new_code", lambda: next(codes))
    UserFactory(username="other", mobile="+919800000001", two_factor_enabled=True)
    mine = api_client.post(
        "/api/v1/auth/login", {"username": "secure01", "password": DEFAULT_PASSWORD}
    )
    theirs = api_client.post(
        "/api/v1/auth/login", {"username": "other", "password": DEFAULT_PASSWORD}
    )
    my_code = inbox.code_for("+919812345678")
    assert my_code == "111111" and inbox.code_for("+919800000001") == "222222"
    # My code does not open their challenge.
    assert verify(api_client, theirs.json()["request_id"], my_code).status_code == 400
    assert (
        verify(api_client, mine.json()["request_id"], my_code).json()["user"]["username"]
        == "secure01"
    )


def test_standalone_verification_for_kyc(api_client, member, inbox):
    challenge = otp_issue(purpose=OtpPurpose.KYC_AADHAAR, user=member, mobile=member.mobile)
    # Codes go out on commit; the test transaction never commits, so read the code by resending.
    OtpChallenge.objects.filter(pk=challenge.pk).update(
        last_sent_at=timezone.now() - timedelta(minutes=1)
    )
    api_client.post("/api/v1/otp/resend_otp", {"request_id": str(challenge.pk)})
    code = inbox.code_for(member.mobile)
    response = api_client.post(
        "/api/v1/otp/verify_otp",
        {"request_id": str(challenge.pk), "otp": code, "purpose": "kyc_aadhaar"},
    )
    assert response.status_code == 200
    assert response.json() == {"verified": True, "message": "OTP verified successfully."}
    assert OtpChallenge.objects.get(pk=challenge.pk).verified_at is not None


def test_resend_waits_30_seconds_and_stops_after_3(api_client, challenge, inbox):
    request_id, _ = challenge
    too_soon = api_client.post("/api/v1/otp/resend_otp", {"request_id": request_id})
    assert too_soon.status_code == 429
    assert too_soon.json()["code"] == "otp_resend_too_soon"
    assert 0 < int(too_soon["Retry-After"]) <= 30

    for left in (2, 1, 0):
        OtpChallenge.objects.filter(pk=request_id).update(
            last_sent_at=timezone.now() - timedelta(seconds=31)
        )
        response = api_client.post("/api/v1/otp/resend_otp", {"request_id": request_id})
        assert response.status_code == 200
        assert response.json()["resends_left"] == left

    OtpChallenge.objects.filter(pk=request_id).update(
        last_sent_at=timezone.now() - timedelta(seconds=31)
    )
    capped = api_client.post("/api/v1/otp/resend_otp", {"request_id": request_id})
    assert capped.status_code == 429
    assert capped.json()["code"] == "otp_resend_limit"

    # A resent code replaces the old one.
    latest = inbox.code_for("+919812345678")
    assert inbox.count_to("+919812345678") == 4
    assert verify(api_client, request_id, latest).status_code == 200


def test_a_resent_code_replaces_the_old_one(api_client, two_factor_member, inbox, monkeypatch):
    codes = iter(["123456", "654321"])
    monkeypatch.setattr("accounts.services.otp._new_code", lambda: next(codes))
    request_id = api_client.post(
        "/api/v1/auth/login", {"username": "secure01", "password": DEFAULT_PASSWORD}
    ).json()["request_id"]
    OtpChallenge.objects.filter(pk=request_id).update(
        last_sent_at=timezone.now() - timedelta(seconds=31)
    )
    assert api_client.post("/api/v1/otp/resend_otp", {"request_id": request_id}).status_code == 200
    assert inbox.code_for("+919812345678") == "654321"
    assert verify(api_client, request_id, "123456").status_code == 400
    assert verify(api_client, request_id, "654321").status_code == 200


def test_resending_does_not_buy_more_tries(api_client, challenge):
    request_id, code = challenge
    for _ in range(4):
        verify(api_client, request_id, wrong(code))
    OtpChallenge.objects.filter(pk=request_id).update(
        last_sent_at=timezone.now() - timedelta(seconds=31)
    )
    api_client.post("/api/v1/otp/resend_otp", {"request_id": request_id})
    assert OtpChallenge.objects.get(pk=request_id).attempts == 4


def test_unknown_request_id_is_just_invalid(api_client):
    response = api_client.post(
        "/api/v1/otp/resend_otp", {"request_id": "00000000-0000-0000-0000-000000000000"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "otp_invalid"


def test_codes_are_six_digits_from_the_whole_range(member):
    from accounts.services import otp

    codes = {otp._new_code() for _ in range(2000)}
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(codes) > 1900  # random, not a counter or a constant
    assert any(c.startswith("0") for c in codes)
