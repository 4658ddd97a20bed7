"""Opening an account, in each seed's way."""

import pytest

from accounts.models import AccountStatus, LoginActivity, LoginEvent, StaffType, User
from accounts.services.registration import user_approve
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Lantern-Harbour-77"


def test_seed_000_registration_then_two_factor_login(api_client, inbox):
    started = api_client.post(
        "/api/v1/auth/register/initiate",
        {"email": "new@example.com", "mobile": "9999999999", "password": PASSWORD},
    )
    assert started.status_code == 200, started.content
    assert started.json()["otp_sent"] is True
    assert not User.objects.filter(email="new@example.com").exists()
    code = inbox.code_for("+919999999999")
    assert inbox.code_for("new@example.com") == code

    created = api_client.post(
        "/api/v1/auth/register/verify_otp",
        {"request_id": started.json()["request_id"], "otp": code, "email": "new@example.com"},
    )
    assert created.status_code == 201
    assert created.json()["user_created"] is True
    user = User.objects.get(email="new@example.com")
    assert user.mobile == "+919999999999"
    assert user.two_factor_enabled and user.is_email_verified and user.is_phone_verified
    assert user.check_password(PASSWORD)
    assert LoginActivity.objects.filter(user=user, event=LoginEvent.REGISTERED).exists()

    login = api_client.post(
        "/api/v1/auth/login", {"email_or_mobile": "new@example.com", "password": PASSWORD}
    )
    assert login.json()["otp_sent"] is True
    tokens = api_client.post(
        "/api/v1/auth/verify_login_otp",
        {"request_id": login.json()["request_id"], "otp": inbox.code_for("+919999999999")},
    )
    assert tokens.status_code == 200
    assert tokens.json()["user"]["email"] == "new@example.com"


def test_seed_000_verification_is_bound_to_the_registered_email(api_client, inbox):
    started = api_client.post(
        "/api/v1/auth/register/initiate",
        {"email": "bound@example.com", "mobile": "9999999998", "password": PASSWORD},
    )
    response = api_client.post(
        "/api/v1/auth/register/verify_otp",
        {
            "request_id": started.json()["request_id"],
            "otp": inbox.code_for("bound@example.com"),
            "email": "someone-else@example.com",
        },
    )
    assert response.status_code == 400
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("x" * 129, "at most 128"),
        ("taken-email@example.com", "similar to the e-mail address"),
    ],
)
def test_registration_refuses_weak_passwords(api_client, password, reason):
    response = api_client.post(
        "/api/v1/auth/register/initiate",
        {"email": "taken-email@example.com", "mobile": "9999999997", "password": password},
    )
    assert response.status_code == 400, reason
    assert "password" in response.json()["errors"]


def test_registration_refuses_a_taken_email_or_mobile(api_client):
    UserFactory(email="taken@example.com", mobile="+919999999996")
    response = api_client.post(
        "/api/v1/auth/register/initiate",
        {"email": "TAKEN@example.com", "mobile": "9999999996", "password": PASSWORD},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "mobile"}


def test_seed_004_signup_verify_and_register_with_referee_code(api_client, inbox, bearer):
    referrer = UserFactory(referral_code="FRIEND")
    started = api_client.post(
        "/api/v1/auth/signup", {"phone_number": "9876543000", "user_type": "postpaid"}
    )
    assert started.status_code == 200
    code = inbox.code_for("+919876543000")

    tokens = api_client.post(
        "/api/v1/auth/verify-otp-signup", {"phone_number": "9876543000", "otp": code}
    )
    assert tokens.status_code == 200, tokens.content
    body = tokens.json()
    assert body["access_token"] and body["user"]["subscriber_type"] == "postpaid"

    profile = bearer(api_client, body["access_token"]).post(
        "/api/v1/auth/register",
        {"name": "Akhil Kumar", "email": "akhil@example.com", "referee_code": "friend"},
    )
    assert profile.status_code == 200, profile.content
    reply = profile.json()
    assert reply["name"] == "Akhil Kumar"
    assert reply["email"] == "akhil@example.com"
    assert reply["phone_number"] == "9876543000"
    assert reply["user_type"] == "postpaid"
    assert reply["referee_code"] == "FRIEND"
    assert reply["wallet_balance"] == 0  # a JSON number, as seed 004 shows it
    assert len(reply["referral_code"]) == 6
    user = User.objects.get(mobile="+919876543000")
    assert user.referred_by == referrer
    assert not user.has_usable_password()

    again = api_client.post("/api/v1/auth/register", {"name": "Again"})
    assert again.status_code == 409


def test_seed_004_register_refuses_an_unknown_referee_code(api_client, inbox, bearer):
    api_client.post("/api/v1/auth/signup", {"phone_number": "9876543001"})
    tokens = api_client.post(
        "/api/v1/auth/verify-otp-signup",
        {"phone_number": "9876543001", "otp": inbox.code_for("+919876543001")},
    ).json()
    response = bearer(api_client, tokens["access"]).post(
        "/api/v1/auth/register", {"name": "A", "referee_code": "NOPE99"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"referee_code": ["No such referral code."]}
    assert User.objects.get(mobile="+919876543001").referred_by is None


def test_seed_004_signup_of_an_existing_number_is_refused(api_client):
    UserFactory(mobile="+919876543002")
    response = api_client.post("/api/v1/auth/signup", {"phone_number": "9876543002"})
    assert response.status_code == 400
    assert "phone_number" in response.json()["errors"]


def test_seed_004_register_needs_a_token(api_client):
    assert api_client.post("/api/v1/auth/register", {"name": "A"}).status_code == 401


def test_seed_002_staff_registration_waits_for_approval(api_client):
    manager = UserFactory(username="boss", user_type=StaffType.MANAGER)
    response = api_client.post(
        "/api/v1/users/register/",
        {
            "username": "johndoe",
            "email": "john@example.com",
            "role": "calling_agent",
            "manager": manager.pk,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json() == {
        "id": response.json()["id"],
        "username": "johndoe",
        "email": "john@example.com",
        "role": "calling_agent",
        "manager": manager.pk,
        "status": "pending_approval",
    }
    refused = api_client.post("/api/v1/auth/login", {"username": "johndoe", "password": PASSWORD})
    assert refused.status_code == 403
    assert refused.json()["code"] == "account_pending_approval"

    user = User.objects.get(username="johndoe")
    user_approve(user=user, approver=manager)
    assert AuditEvent.objects.filter(
        action="accounts.user_approved", target_id=str(user.pk)
    ).exists()
    allowed = api_client.post("/api/v1/auth/login", {"username": "johndoe", "password": PASSWORD})
    assert allowed.status_code == 200


def test_seed_002_registration_cannot_ask_for_an_admin_role(api_client):
    response = api_client.post(
        "/api/v1/users/register/",
        {"username": "sneaky", "role": "admin", "password": PASSWORD},
    )
    assert response.status_code == 400
    assert "role" in response.json()["errors"]
    assert not User.objects.filter(username="sneaky").exists()


def test_only_an_admin_or_their_manager_may_approve():
    from django.core.exceptions import PermissionDenied

    manager = UserFactory(user_type=StaffType.MANAGER)
    other_manager = UserFactory(user_type=StaffType.MANAGER)
    pending = UserFactory(status=AccountStatus.PENDING_APPROVAL, manager=manager)
    with pytest.raises(PermissionDenied):
        user_approve(user=pending, approver=other_manager)
    with pytest.raises(PermissionDenied):
        user_approve(user=pending, approver=UserFactory())
    admin = UserFactory(is_superuser=True)
    assert user_approve(user=pending, approver=admin).status == AccountStatus.ACTIVE
