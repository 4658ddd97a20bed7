"""Who may call what: anonymous 401 everywhere, people 403 on staff routes, permissions by role."""

import pytest

from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.kyc.support import AADHAAR, submit_url

pytestmark = pytest.mark.django_db

OWN_ROUTES = [
    ("post", "/api/v1/kyc/aadhaar/submit_aadhaar"),
    ("get", "/api/v1/kyc/aadhaar/get_aadhaar_status"),
    ("post", "/api/v1/kyc/pan/submit_pan"),
    ("get", "/api/v1/kyc/pan/get_pan_status"),
    ("post", "/api/v1/kyc/business/submit_business"),
    ("get", "/api/v1/kyc/business/get_business_status"),
    ("post", "/api/v1/kyc/bank/submit_bank"),
    ("get", "/api/v1/kyc/bank/get_bank_status"),
    ("get", "/api/v1/kyc/status/get_kyc_status"),
    ("post", "/api/v1/kyc/verify_otp"),
]
REPORT_ROUTES = [
    ("get", "/api/v1/admin/reports/kyc/get_kyc_report"),
    ("get", "/api/v1/admin/reports/kyc/get_pending_kyc"),
    ("get", "/api/v1/admin/reports/kyc/get_kyc_by_status/verified"),
]
REVIEW_ROUTES = [
    ("get", "/api/v1/admin/kyc/records"),
    ("get", "/api/v1/admin/kyc/records/1"),
    ("post", "/api/v1/admin/kyc/records/1/approve"),
    ("post", "/api/v1/admin/kyc/records/1/reject"),
    ("post", "/api/v1/admin/kyc/records/1/request_resubmission"),
]
STAFF_ROUTES = REPORT_ROUTES + REVIEW_ROUTES


@pytest.mark.parametrize(("method", "path"), OWN_ROUTES + STAFF_ROUTES)
@pytest.mark.parametrize("slash", ["", "/"])
def test_anonymous_gets_401(api_client, method, path, slash):
    response = getattr(api_client, method)(path + slash, {}, format="json")
    assert response.status_code == 401
    assert response.json()["status"] == 401


@pytest.mark.parametrize(("method", "path"), STAFF_ROUTES)
def test_a_normal_user_gets_403_on_staff_routes(client_for, person, method, path):
    response = getattr(client_for(person), method)(path, {"reason": "x"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path"), REPORT_ROUTES)
def test_reviewers_need_the_report_permission_for_reports(client_for, reviewer, method, path):
    assert getattr(client_for(reviewer), method)(path).status_code == 403


@pytest.mark.parametrize(("method", "path"), REVIEW_ROUTES[:1])
def test_report_viewers_need_the_review_permission_to_review(
    client_for, report_viewer, method, path
):
    assert getattr(client_for(report_viewer), method)(path).status_code == 403


@pytest.mark.parametrize(("method", "path"), REPORT_ROUTES + REVIEW_ROUTES[:1])
def test_superusers_pass(client_for, method, path):
    boss = UserFactory(username="boss", is_superuser=True)
    assert getattr(client_for(boss), method)(path).status_code == 200


def test_blocked_account_is_refused(client_for):
    from accounts.models import AccountStatus

    blocked = UserFactory(username="blocked", status=AccountStatus.BLOCKED, mobile="+919800000011")
    response = client_for(blocked).post(submit_url("pan"), {}, format="json")
    assert response.status_code == 403


def test_full_submission_with_a_real_bearer_token(api_client, person, inbox):
    login = api_client.post(
        "/api/v1/auth/login", {"username": person.username, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200, login.content
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")

    submitted = api_client.post(
        "/api/v1/kyc/aadhaar/submit_aadhaar/",
        {"aadhaar_number": AADHAAR, "name": "Rahul Sharma", "dob": "1990-01-15"},
        format="json",
    )
    assert submitted.status_code == 201, submitted.content
    confirmed = api_client.post(
        "/api/v1/kyc/verify_otp/",
        {"request_id": submitted.json()["request_id"], "otp": inbox.code_for(person.mobile)},
        format="json",
    )
    assert confirmed.json()["status"] == "verified"
    status = api_client.get("/api/v1/kyc/aadhaar/get_aadhaar_status/").json()
    assert status["aadhaar_number"] == "XXXX-XXXX-" + AADHAAR[-4:]
    assert status["verification_score"] == 100
