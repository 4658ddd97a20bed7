"""One POST /auth/login for every seed, and the second factor behind it."""

import logging

import pytest

from accounts.models import AccountStatus, AuthSession, LoginActivity, LoginEvent
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_FIELDS = {
    "access",
    "refresh",
    "access_token",
    "refresh_token",
    "token_type",
    "expires_at",
    "refresh_expires_at",
    "remember_me",
    "session_id",
    "otp_sent",
    "user",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email_or_mobile", "member@example.com"),
        ("email_or_mobile", "9876543210"),
        ("username", "MEMBER01"),
        ("email", "Member@Example.com"),
        ("phone_number", "+91 98765 43210"),
        ("mobile", "9876543210"),
    ],
)
def test_password_with_any_identifier_gives_tokens(api_client, member, field, value):
    response = api_client.post("/api/v1/auth/login", {field: value, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == TOKEN_FIELDS
    assert body["token_type"] == "Bearer"
    assert body["access"] == body["access_token"] and body["refresh"] == body["refresh_token"]
    assert body["user"]["id"] == member.pk
    assert body["user"]["login_id"] == "member01"
    assert body["user"]["phone_number"] == "9876543210"


def test_trailing_slash_login_of_seed_003_is_the_same_endpoint(api_client, member):
    response = api_client.post(
        "/api/v1/auth/login/",
        {"login_id": "member01", "password": DEFAULT_PASSWORD, "remember_me": True},
    )
    assert response.status_code == 200
    # `login_id` is a seed 003 client: its reply comes in seed 003's envelope.
    body = response.json()
    assert body["success"] is True and body["data"]["remember_me"] is True
    assert body["data"]["user"]["id"] == str(member.pk)
    session = AuthSession.objects.get(user=member)
    assert session.remember_me is True


def test_access_token_opens_protected_endpoints(api_client, member, sign_in, bearer):
    access = sign_in("member01")["access"]
    assert api_client.post("/api/v1/auth/verify/").status_code == 401
    response = bearer(api_client, access).post("/api/v1/auth/verify/")
    assert response.status_code == 200
    # A seed 003 route: its envelope, whoever calls.
    assert response.json()["success"] is True
    assert response.json()["data"]["user"]["id"] == str(member.pk)


def test_session_lifetime_is_12_hours_or_30_days_with_remember_me(member, sign_in):
    short = AuthSession.objects.get(pk=sign_in("member01")["session_id"])
    long = AuthSession.objects.get(pk=sign_in("member01", remember_me=True)["session_id"])
    assert round((short.expires_at - short.created_at).total_seconds()) == 12 * 3600
    assert round((long.expires_at - long.created_at).total_seconds()) == 30 * 86400


def test_wrong_password_and_unknown_identifier_answer_alike(api_client, member):
    wrong = api_client.post(
        "/api/v1/auth/login", {"username": "member01", "password": "nope-nope-1"}
    )
    unknown = api_client.post(
        "/api/v1/auth/login", {"username": "ghost", "password": "nope-nope-1"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "invalid_credentials"
    reasons = set(
        LoginActivity.objects.filter(event=LoginEvent.LOGIN_FAILED).values_list("reason", flat=True)
    )
    assert reasons == {"wrong_password", "unknown_identifier"}


def test_missing_identifier_or_password_names_the_field(api_client):
    response = api_client.post("/api/v1/auth/login", {"password": "x"})
    assert response.status_code == 400
    assert "email_or_mobile" in response.json()["errors"]
    response = api_client.post("/api/v1/auth/login", {"email": "a@example.com"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"password": ["This field is required."]}


def test_two_factor_account_gets_a_challenge_then_tokens(api_client, two_factor_member, inbox):
    response = api_client.post(
        "/api/v1/auth/login",
        {"email_or_mobile": "secure@example.com", "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"request_id", "otp_sent", "expires_in", "message"}
    assert body["otp_sent"] is True
    assert not AuthSession.objects.filter(user=two_factor_member).exists()

    # The same code goes to the phone and to the e-mail address.
    code = inbox.code_for("+919812345678")
    assert inbox.code_for("secure@example.com") == code
    assert code not in response.content.decode()

    verified = api_client.post(
        "/api/v1/auth/verify_login_otp", {"request_id": body["request_id"], "otp": code}
    )
    assert verified.status_code == 200
    assert verified.json()["user"]["id"] == two_factor_member.pk


def test_seed_002_token_endpoint_refuses_two_factor_accounts(api_client, two_factor_member, inbox):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "secure01", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "two_factor_required"
    assert "access" not in response.json()
    assert inbox.sms == [] and inbox.mail == []
    assert not AuthSession.objects.filter(user=two_factor_member).exists()


def test_seed_002_token_and_refresh(api_client, member):
    tokens = api_client.post(
        "/api/v1/auth/token/", {"username": "member01", "password": DEFAULT_PASSWORD}
    )
    assert tokens.status_code == 200
    refreshed = api_client.post(
        "/api/v1/auth/token/refresh/", {"refresh": tokens.json()["refresh"]}
    )
    assert refreshed.status_code == 200
    assert refreshed.json()["access"] != tokens.json()["access"]


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (AccountStatus.PENDING_APPROVAL, "account_pending_approval"),
        (AccountStatus.BLOCKED, "account_blocked"),
        (AccountStatus.ARCHIVED, "account_unavailable"),
    ],
)
def test_accounts_that_may_not_sign_in_are_refused(api_client, status, code):
    UserFactory(username="held", status=status)
    response = api_client.post(
        "/api/v1/auth/login", {"username": "held", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 403
    assert response.json()["code"] == code
    assert not AuthSession.objects.exists()


def test_a_deactivated_account_signs_in_but_reaches_only_reactivation(api_client, sign_in, bearer):
    UserFactory(username="resting", status=AccountStatus.DEACTIVATED)
    access = sign_in("resting")["access"]
    response = bearer(api_client, access).post("/api/v1/auth/verify/")
    assert response.status_code == 403
    assert response.json()["code"] == "account_deactivated"


def test_passwordless_login_sends_a_code_and_the_form_post_gives_tokens(api_client, inbox):
    user = UserFactory(username=None, email=None, mobile="+919876500001")
    response = api_client.post("/api/v1/auth/login", {"phone_number": "9876500001"})
    assert response.status_code == 200
    assert response.json()["otp_sent"] is True
    code = inbox.code_for("+919876500001")

    form = api_client.post(
        "/api/v1/auth/verify-otp-login",
        {"grant_type": "password", "username": "9876500001", "password": code, "scope": ""},
        format="multipart",
    )
    assert form.status_code == 200, form.content
    assert form.json()["access_token"]
    assert form.json()["user"]["id"] == user.pk


def test_form_post_accepts_url_encoding(api_client, inbox):
    UserFactory(username=None, email=None, mobile="+919876500002")
    api_client.post("/api/v1/auth/login", {"phone_number": "9876500002"})
    code = inbox.code_for("+919876500002")
    response = api_client.post(
        "/api/v1/auth/verify-otp-login",
        data=f"grant_type=password&username=9876500002&password={code}&scope=&client_id=&client_secret=",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200


def test_passwordless_login_of_an_unknown_number_looks_the_same_but_sends_nothing(
    api_client, inbox
):
    response = api_client.post("/api/v1/auth/login", {"phone_number": "9876500003"})
    assert response.status_code == 200
    assert set(response.json()) == {"request_id", "otp_sent", "expires_in", "message"}
    assert inbox.sms == []


def test_passwordless_login_never_skips_a_password_second_factor(
    api_client, two_factor_member, inbox
):
    response = api_client.post("/api/v1/auth/login", {"phone_number": "9812345678"})
    assert response.status_code == 200
    assert inbox.sms == [] and inbox.mail == []


def test_codes_never_reach_replies_or_logs(api_client, two_factor_member, inbox, caplog):
    caplog.set_level(logging.DEBUG)
    response = api_client.post(
        "/api/v1/auth/login", {"username": "secure01", "password": DEFAULT_PASSWORD}
    )
    code = inbox.code_for("+919812345678")
    verified = api_client.post(
        "/api/v1/auth/verify_login_otp", {"request_id": response.json()["request_id"], "otp": code}
    )
    assert code not in response.content.decode() + verified.content.decode()
    assert all(code not in record.getMessage() for record in caplog.records)
    assert all(DEFAULT_PASSWORD not in record.getMessage() for record in caplog.records)
    for event in AuditEvent.objects.all():
        assert code not in str(event.after) and DEFAULT_PASSWORD not in str(event.after)


def test_every_sign_in_is_recorded_with_its_client(api_client, member):
    api_client.post(
        "/api/v1/auth/login",
        {"username": "member01", "password": DEFAULT_PASSWORD},
        HTTP_USER_AGENT=(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
        ),
    )
    activity = LoginActivity.objects.get(event=LoginEvent.LOGIN_SUCCEEDED)
    assert activity.user == member and activity.success
    assert activity.ip == "127.0.0.1"
    assert activity.device == "iPhone"
    assert activity.browser.startswith("Mobile Safari")
    assert activity.os.startswith("iOS")
    session = AuthSession.objects.get(user=member)
    assert session.device == "iPhone" and activity.session == session
    assert AuditEvent.objects.filter(
        action="auth.login_succeeded", target_id=str(member.pk)
    ).exists()


def test_passwords_are_hashed_with_argon2_by_default():
    from config import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
