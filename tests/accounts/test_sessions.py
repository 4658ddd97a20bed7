"""Tokens: rotation, reuse detection, logout, absolute lifetime, account status."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AccountStatus, AuthSession, LoginActivity, LoginEvent
from accounts.services.passwords import password_change
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def refresh(client, token, field="refresh", path="/api/v1/auth/refresh"):
    client.credentials()
    return client.post(path, {field: token})


def test_refresh_rotates_and_the_old_token_stops_working(api_client, member, sign_in):
    first = sign_in("member01")
    second = refresh(api_client, first["refresh"])
    assert second.status_code == 200
    assert second.json()["refresh"] != first["refresh"]
    assert second.json()["session_id"] == first["session_id"]
    third = refresh(api_client, second.json()["refresh_token"], field="refresh_token")
    assert third.status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/v1/auth/refresh", "/api/v1/auth/refresh/", "/api/v1/auth/token/refresh/"]
)
def test_every_refresh_route_rotates(api_client, member, sign_in, path):
    first = sign_in("member01")
    assert refresh(api_client, first["refresh"], path=path).status_code == 200
    assert refresh(api_client, first["refresh"], path=path).status_code == 401


def test_reusing_a_refresh_token_ends_the_whole_session(api_client, member, sign_in, bearer):
    first = sign_in("member01")
    rotated = refresh(api_client, first["refresh"]).json()
    replay = refresh(api_client, first["refresh"])
    assert replay.status_code == 401
    assert replay.json()["code"] == "session_ended"
    # The thief's replay also ends the owner's copy.
    assert refresh(api_client, rotated["refresh"]).status_code == 401
    assert bearer(api_client, rotated["access"]).post("/api/v1/auth/verify").status_code == 401
    session = AuthSession.objects.get(pk=first["session_id"])
    assert session.revoke_reason == "refresh_reuse"
    assert LoginActivity.objects.filter(event=LoginEvent.TOKEN_REUSED).exists()


def test_access_token_stops_working_after_logout(api_client, member, sign_in, bearer):
    tokens = sign_in("member01")
    client = bearer(api_client, tokens["access"])
    assert client.post("/api/v1/auth/verify").status_code == 200
    logout = client.post("/api/v1/auth/logout", {"refresh_token": tokens["refresh"]})
    assert logout.status_code == 200
    assert logout.json() == {"message": "Successfully logged out."}
    after = client.post("/api/v1/auth/verify")
    assert after.status_code == 401
    assert after.json()["code"] == "session_ended"
    assert refresh(api_client, tokens["refresh"]).status_code == 401


def test_logout_leaves_other_devices_signed_in(api_client, member, sign_in, bearer):
    phone, laptop = sign_in("member01"), sign_in("member01")
    bearer(api_client, phone["access"]).post("/api/v1/auth/logout/")
    assert bearer(api_client, laptop["access"]).post("/api/v1/auth/verify").status_code == 200


def test_logout_all_devices_ends_every_session(api_client, member, sign_in, bearer):
    phone, laptop = sign_in("member01"), sign_in("member01")
    response = bearer(api_client, phone["access"]).post(
        "/api/v1/auth/logout/", {"logout_all_devices": True}
    )
    assert response.status_code == 200
    assert bearer(api_client, laptop["access"]).post("/api/v1/auth/verify").status_code == 401
    assert refresh(api_client, laptop["refresh"]).status_code == 401
    assert AuthSession.objects.filter(user=member, revoked_at__isnull=True).count() == 0


def test_logout_cannot_end_someone_elses_session(api_client, member, sign_in, bearer):
    from tests.factories import UserFactory

    UserFactory(username="victim")
    victim = sign_in("victim")
    attacker = sign_in("member01")
    bearer(api_client, attacker["access"]).post(
        "/api/v1/auth/logout", {"refresh_token": victim["refresh"]}
    )
    assert bearer(api_client, victim["access"]).post("/api/v1/auth/verify").status_code == 200


def test_logout_needs_a_signed_in_user(api_client):
    response = api_client.post("/api/v1/auth/logout")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "status", [AccountStatus.BLOCKED, AccountStatus.ARCHIVED, AccountStatus.PENDING_APPROVAL]
)
def test_live_token_of_a_user_who_loses_access_is_refused(
    api_client, member, sign_in, bearer, status
):
    tokens = sign_in("member01")
    member.status = status
    member.save(update_fields=["status"])
    response = bearer(api_client, tokens["access"]).post("/api/v1/auth/verify")
    assert response.status_code == 401
    assert refresh(api_client, tokens["refresh"]).status_code == 401


def test_a_timed_block_that_passed_lets_tokens_work_again(api_client, member, sign_in, bearer):
    tokens = sign_in("member01")
    member.status = AccountStatus.BLOCKED
    member.blocked_until = timezone.now() - timedelta(seconds=1)
    member.save(update_fields=["status", "blocked_until"])
    assert bearer(api_client, tokens["access"]).post("/api/v1/auth/verify").status_code == 200


def test_session_lifetime_is_absolute_however_often_refreshed(api_client, member, sign_in):
    tokens = sign_in("member01")
    AuthSession.objects.filter(pk=tokens["session_id"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert refresh(api_client, tokens["refresh"]).status_code == 401


def test_tokens_never_outlive_their_session(member, sign_in):
    from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

    tokens = sign_in("member01")
    session = AuthSession.objects.get(pk=tokens["session_id"])
    assert RefreshToken(tokens["refresh"])["exp"] <= session.expires_at.timestamp()
    assert AccessToken(tokens["access"])["exp"] <= session.expires_at.timestamp()


def test_a_refresh_token_is_not_an_access_token(api_client, member, sign_in, bearer):
    tokens = sign_in("member01")
    assert bearer(api_client, tokens["refresh"]).post("/api/v1/auth/verify").status_code == 401


def test_a_forged_token_is_refused(api_client, member, sign_in, bearer):
    tokens = sign_in("member01")
    header, payload, signature = tokens["access"].split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"
    assert bearer(api_client, forged).post("/api/v1/auth/verify").status_code == 401


def test_password_change_ends_every_other_session(api_client, member, sign_in, bearer):
    current, other = sign_in("member01"), sign_in("member01")
    password_change(
        user=member,
        old_password=DEFAULT_PASSWORD,
        new_password="A-new-and-long-passphrase-9",
        current_session_id=current["session_id"],
    )
    assert bearer(api_client, current["access"]).post("/api/v1/auth/verify").status_code == 200
    assert bearer(api_client, other["access"]).post("/api/v1/auth/verify").status_code == 401


def test_token_verify_reports_the_expiry(api_client, member, sign_in, bearer):
    tokens = sign_in("member01")
    body = bearer(api_client, tokens["access"]).post("/api/v1/auth/verify/").json()
    # Seed 003's route: its envelope.
    assert body["success"] is True and body["message"] == "Token is valid"
    assert body["data"]["expires_at"] == tokens["expires_at"]
