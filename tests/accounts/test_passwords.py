"""Forgotten passwords: same answer for everyone, three a night, sessions end on reset."""

import pytest

from accounts.models import AuthSession, LoginEvent
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Fresh-Orchard-2024"


def test_reset_with_the_code_sets_the_password_and_ends_every_session(
    api_client, member, sign_in, inbox, bearer
):
    old = sign_in("member01")
    started = api_client.post(
        "/api/v1/auth/forgot_password", {"email_or_mobile": "member@example.com"}
    )
    assert started.status_code == 200
    assert started.json()["otp_sent"] is True
    code = inbox.code_for("member@example.com")

    api_client.credentials()
    done = api_client.post(
        "/api/v1/auth/reset_password",
        {"request_id": started.json()["request_id"], "otp": code, "new_password": NEW_PASSWORD},
    )
    assert done.status_code == 200
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert bearer(api_client, old["access"]).post("/api/v1/auth/verify").status_code == 401
    assert not AuthSession.objects.filter(user=member, revoked_at__isnull=True).exists()
    assert member.login_activities.filter(event=LoginEvent.PASSWORD_RESET).exists()


def test_unknown_account_gets_the_same_answer_and_no_message(api_client, member, inbox):
    known = api_client.post(
        "/api/v1/auth/forgot_password", {"email_or_mobile": "member@example.com"}
    )
    unknown = api_client.post(
        "/api/v1/auth/forgot_password", {"email_or_mobile": "nobody@example.com"}
    )
    assert known.status_code == unknown.status_code == 200
    assert set(known.json()) == set(unknown.json())
    assert known.json()["message"] == unknown.json()["message"]
    assert inbox.count_to("nobody@example.com") == 0
    # A decoy request id answers like a wrong code.
    response = api_client.post(
        "/api/v1/auth/reset_password",
        {"request_id": unknown.json()["request_id"], "otp": "123456", "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "otp_invalid"


def test_a_weak_new_password_is_refused_without_spending_the_code(api_client, member, inbox):
    started = api_client.post("/api/v1/auth/forgot_password", {"email_or_mobile": "9876543210"})
    code = inbox.code_for("+919876543210")
    weak = api_client.post(
        "/api/v1/auth/reset_password",
        {"request_id": started.json()["request_id"], "otp": code, "new_password": "member01"},
    )
    assert weak.status_code == 400
    assert "new_password" in weak.json()["errors"]
    member.refresh_from_db()
    assert member.check_password(DEFAULT_PASSWORD)
    strong = api_client.post(
        "/api/v1/auth/reset_password",
        {"request_id": started.json()["request_id"], "otp": code, "new_password": NEW_PASSWORD},
    )
    assert strong.status_code == 200


def test_three_resets_per_hour(api_client, member, inbox):
    for _ in range(3):
        ok = api_client.post(
            "/api/v1/auth/forgot_password", {"email_or_mobile": "member@example.com"}
        )
        assert ok.status_code == 200
    refused = api_client.post(
        "/api/v1/auth/forgot_password", {"email_or_mobile": "member@example.com"}
    )
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert inbox.count_to("member@example.com") == 3
