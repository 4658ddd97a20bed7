"""Seed 001 (CredbuzzPay status report): its endpoint list and its usage examples.

The report lists endpoints by path and shows a few example requests, but only one
reply (the login's). Each listed endpoint is called by the caller it names and must
answer as seed 000 documents the same route (`test_seed_000.py` holds those
shapes); each example is sent as the report shows it. Where the report's paths
differ from seed 000's, seed 000's are served (DESIGN.md), and the README's
"Differences from the seed documents" lists them.
"""

from __future__ import annotations

import pytest

from accounts.models import User
from tests.contracts import test_seed_000 as seed_000
from tests.contracts.shape import assert_shape
from tests.contracts.test_seed_000 import API, PASSWORD, challenge_code, check
from tests.factories import UserFactory
from tests.kyc.support import AADHAAR

pytestmark = pytest.mark.django_db

# Fixtures of the seed 000 module, shared.
roles = seed_000.roles
person = seed_000.person
admin = seed_000.admin
as_user = seed_000.as_user
as_admin = seed_000.as_admin

LOGIN_TOKENS = {"access_token": "eyJ0eXAi...", "refresh_token": "eyJ0eXAi...", "otp_sent": True}

# "What's Implemented": the listed GET endpoints, who calls them and the seed 000 reply.
LISTED_READS = [
    ("user", "/kyc/aadhaar/get_aadhaar_status", None),
    ("user", "/kyc/status/get_kyc_status", seed_000.KYC_STATUS),
    ("user", "/user/profile/my_profile", seed_000.PROFILE),
    ("admin", "/admin/users/list_users", seed_000.USER_LIST),
    ("admin", "/admin/users/get_user/{user_id}", seed_000.USER_DETAIL),
    ("admin", "/admin/audit/get_audit_trail", seed_000.AUDIT_TRAIL),
    ("admin", "/admin/audit/get_user_audit/{user_id}", None),
    ("user", "/login-activity/get_my_login_history", seed_000.MY_LOGINS),
    ("admin", "/login-activity/get_user_login_history/{user_id}", seed_000.USER_LOGINS),
    ("admin", "/login-activity/get_failed_login_attempts", seed_000.FAILED_LOGINS),
    ("admin", "/admin/reports/kyc/get_kyc_report", seed_000.KYC_REPORT),
    ("admin", "/admin/reports/kyc/get_pending_kyc", seed_000.PENDING_KYC),
    ("admin", "/admin/reports/security/get_security_summary", seed_000.SECURITY_SUMMARY),
    ("admin", "/admin/reports/security/get_suspicious_activities", seed_000.SUSPICIOUS),
]
NULLABLE = {
    "$.next",
    "$.overall_score",
    "$.profile_picture",
    "$.average_verification_time",
    "$.compromised_passwords",
}


@pytest.mark.parametrize(("caller", "path", "documented"), LISTED_READS)
def test_listed_endpoint_answers(api_client, person, admin, caller, path, documented):
    api_client.force_authenticate(person if caller == "user" else admin)
    response = api_client.get(API + path.format(user_id=person.pk))
    if path.endswith("get_aadhaar_status"):
        assert response.status_code == 404  # nothing submitted yet: the route is there
        return
    assert response.status_code == 200, response.content
    if documented is not None:
        assert_shape(response.json(), documented, nullable=NULLABLE)


def test_the_api_index_lists_the_endpoints(api_client):
    # "View API Endpoint List": GET /api/v1/, no sign-in needed.
    response = api_client.get(f"{API}/")
    assert response.status_code == 200
    assert response.json()["apps"]


def test_example_1_registration_flow(api_client, inbox):
    started = check(
        api_client.post(
            f"{API}/auth/register/initiate",
            {"email": "user@example.com", "mobile": "9999999999", "password": "SecurePass123!"},
            format="json",
        ),
        seed_000.CHALLENGE,
    )
    # Step 2 at seed 000's path, with the challenge's request_id (README differences).
    response = api_client.post(
        f"{API}/auth/register/verify_otp",
        {
            "request_id": started["request_id"],
            "otp": challenge_code(inbox, started["request_id"]),
            "email": "user@example.com",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert User.objects.filter(email="user@example.com", mobile="+919999999999").exists()


def test_example_2_login_without_a_second_factor_gives_the_tokens(api_client):
    user = UserFactory(email="user@example.com", mobile="+919999999999")
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])

    response = api_client.post(
        f"{API}/auth/login",
        {"email_or_mobile": "user@example.com", "password": PASSWORD},
        format="json",
    )
    body = check(response, LOGIN_TOKENS)
    # Tokens come only when no code is owed (README differences).
    assert body["otp_sent"] is False
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert api_client.get(f"{API}/user/profile/my_profile").status_code == 200


def test_example_2_login_with_a_second_factor_gives_the_code_first(api_client, inbox, person):
    challenge = check(
        api_client.post(
            f"{API}/auth/login",
            {"email_or_mobile": "user@example.com", "password": PASSWORD},
            format="json",
        ),
        seed_000.CHALLENGE,
    )
    assert "access_token" not in challenge
    response = api_client.post(
        f"{API}/auth/verify_login_otp",
        {
            "request_id": challenge["request_id"],
            "otp": challenge_code(inbox, challenge["request_id"]),
        },
        format="json",
    )
    check(response, {k: v for k, v in LOGIN_TOKENS.items() if k != "otp_sent"})


def test_example_3_submit_aadhaar(as_user):
    response = as_user.post(
        f"{API}/kyc/aadhaar/submit_aadhaar",
        {
            "aadhaar_number": AADHAAR,
            "name": "John Doe",
            "dob": "1990-01-15",
            "gender": "male",
            "address": "123 Main St, City",
        },
        format="json",
    )
    check(response, seed_000.SUBMITTED, 201)


def test_example_4_get_kyc_status(as_user):
    body = check(
        as_user.get(f"{API}/kyc/status/get_kyc_status"),
        seed_000.KYC_STATUS,
        nullable={"$.overall_score"},
    )
    assert body["status"] == "not_started"


def test_curl_register_with_a_weak_password_is_refused(api_client):
    # The curl example's "test123" fails the password rules (README differences).
    response = api_client.post(
        f"{API}/auth/register/initiate",
        {"email": "test@example.com", "mobile": "9999999999", "password": "test123"},
        format="json",
    )
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_curl_login_of_an_unknown_account_is_refused(api_client):
    response = api_client.post(
        f"{API}/auth/login",
        {"email_or_mobile": "test@example.com", "password": "test123"},
        format="json",
    )
    assert response.status_code == 401
    assert response.json()["code"]
