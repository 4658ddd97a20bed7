"""Seed 004: a subscriber's own account (/user/me) and preferences (/user/preference)."""

from decimal import Decimal

import pytest

from accounts.models import AccountStatus, StaffType, SubscriberType, User, UserPreference
from accounts.services.self_service import user_email_change
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROFILE_FIELDS = {
    "user_id",
    "name",
    "email",
    "phone_number",
    "referral_code",
    "referee_code",
    "user_type",
    "status",
    "wallet_balance",
    "created_at",
}
DEFAULT_PREFERENCES = {
    "email_notification": True,
    "sms_notification": True,
    "marketing_communication": False,
    "recharge_remainders": True,
    "promotional_offers": False,
    "transactional_alerts": True,
    "data_analytics": True,
    "third_party_integrations": False,
}


@pytest.fixture
def referrer() -> User:
    return UserFactory(subscriber_type=SubscriberType.PREPAID, referral_code="REFER1")


@pytest.fixture
def subscriber(referrer) -> User:
    return UserFactory(
        username="akhil",
        first_name="Akhil",
        last_name="Kumar",
        email="akhil@example.com",
        mobile="+919876543210",
        subscriber_type=SubscriberType.PREPAID,
        referral_code="ABCD12",
        referred_by=referrer,
    )


@pytest.fixture
def client_of(api_client):
    def _client(user: User):
        api_client.force_authenticate(User.objects.get(pk=user.pk))
        return api_client

    return _client


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-sequence").first()
    assert event is not None, f"no audit event {action}"
    return event


def snapshot(user: User) -> dict:
    user = User.objects.get(pk=user.pk)
    return {
        field: getattr(user, field)
        for field in (
            "status",
            "is_staff",
            "is_superuser",
            "user_type",
            "subscriber_type",
            "email",
            "mobile",
            "referral_code",
            "referred_by_id",
            "first_name",
        )
    }


# --- /user/me ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/user/me", "/api/v1/user/me/"])
def test_me_is_the_seed_profile(client_of, subscriber, path):
    response = client_of(subscriber).get(path)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == PROFILE_FIELDS
    assert body["user_id"] == subscriber.pk
    assert body["name"] == "Akhil Kumar"
    assert body["phone_number"] == "9876543210"
    assert body["referral_code"] == "ABCD12"
    assert body["referee_code"] == "REFER1"
    assert body["user_type"] == "prepaid"
    assert body["status"] == "active"
    assert body["wallet_balance"] == 0  # a JSON number, as seed 004 shows it


def test_me_needs_a_signed_in_caller(api_client):
    assert api_client.get("/api/v1/user/me").status_code == 401
    assert api_client.get("/api/v1/user/preference").status_code == 401


def test_deleting_my_account_archives_it_and_sign_in_is_refused(api_client, client_of, subscriber):
    response = client_of(subscriber).delete("/api/v1/user/me")
    assert response.status_code == 200
    assert response.json() == {}
    subscriber.refresh_from_db()  # the row stays
    assert subscriber.status == AccountStatus.ARCHIVED
    event = last_event("accounts.user_archived")
    assert event.actor_id == subscriber.pk and event.target_id == str(subscriber.pk)
    assert event.before["status"] == "active" and event.after["status"] == "archived"

    api_client.force_authenticate(None)
    login = api_client.post(
        "/api/v1/auth/login", {"username": "akhil", "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 403


def test_change_email(client_of, subscriber):
    User.objects.filter(pk=subscriber.pk).update(is_email_verified=True)
    response = client_of(subscriber).put(
        "/api/v1/user/me/email", {"email": "New@Example.com", "current_password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200, response.content
    assert response.json()["email"] == "new@example.com"
    assert set(response.json()) == PROFILE_FIELDS
    subscriber.refresh_from_db()
    assert subscriber.email == "new@example.com"
    assert subscriber.is_email_verified is False
    event = last_event("accounts.email_changed")
    assert event.before == {"email": "akhil@example.com", "is_email_verified": True}
    assert event.after["email"] == "new@example.com" and event.after["is_email_verified"] is False
    assert event.after["proof"] == "password"


def test_change_email_refuses_an_address_in_use(client_of, subscriber, referrer):
    response = client_of(subscriber).put(
        "/api/v1/user/me/email",
        {"email": referrer.email.upper(), "current_password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    subscriber.refresh_from_db()
    assert subscriber.email == "akhil@example.com"


def test_change_email_to_the_same_address_records_nothing(subscriber):
    user_email_change(user=subscriber, email="AKHIL@example.com")
    assert not AuditEvent.objects.filter(action="accounts.email_changed").exists()


def test_change_email_refuses_a_malformed_address(client_of, subscriber):
    response = client_of(subscriber).put("/api/v1/user/me/email", {"email": "not-an-email"})
    assert response.status_code == 400
    assert "email" in response.json()["errors"]


def test_switch_type(client_of, subscriber):
    response = client_of(subscriber).put("/api/v1/user/me/switch-type", {"user_type": "postpaid"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user_type"] == "postpaid"
    assert {"user_id", "user_type", "status", "phone_number", "created_at"} <= set(body)
    subscriber.refresh_from_db()
    assert subscriber.subscriber_type == SubscriberType.POSTPAID
    event = last_event("accounts.subscriber_type_changed")
    assert event.before == {"subscriber_type": "prepaid"}
    assert event.after == {"subscriber_type": "postpaid"}


@pytest.mark.parametrize("value", ["business", "", None, "admin"])
def test_switch_type_refuses_other_kinds(client_of, subscriber, value):
    response = client_of(subscriber).put(
        "/api/v1/user/me/switch-type", {"user_type": value}, format="json"
    )
    assert response.status_code == 400
    assert "user_type" in response.json()["errors"]
    assert User.objects.get(pk=subscriber.pk).subscriber_type == SubscriberType.PREPAID


def test_staff_have_no_subscriber_type_to_switch(client_of):
    staff = UserFactory(is_staff=True, user_type=StaffType.ADMIN)
    response = client_of(staff).put("/api/v1/user/me/switch-type", {"user_type": "prepaid"})
    assert response.status_code == 400
    assert User.objects.get(pk=staff.pk).subscriber_type == ""


def test_deactivate_and_reactivate_through_a_real_token(api_client, subscriber):
    login = api_client.post(
        "/api/v1/auth/login", {"username": "akhil", "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200, login.content
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")

    response = api_client.post("/api/v1/user/me/deactivate")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "deactivated"
    event = last_event("accounts.user_deactivated")
    assert event.before["status"] == "active" and event.after["status"] == "deactivated"

    # Switched off: only the profile and reactivation stay open.
    assert api_client.get("/api/v1/user/preference").status_code == 403
    assert api_client.post("/api/v1/user/me/deactivate").status_code == 403
    assert api_client.get("/api/v1/user/me").json()["status"] == "deactivated"

    response = api_client.post("/api/v1/user/me/reactivate")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    assert User.objects.get(pk=subscriber.pk).status == AccountStatus.ACTIVE
    event = last_event("accounts.user_reactivated")
    assert event.before["status"] == "deactivated" and event.after["status"] == "active"
    assert api_client.get("/api/v1/user/preference").status_code == 200


def test_reactivating_an_active_account_is_refused(client_of, subscriber):
    response = client_of(subscriber).post("/api/v1/user/me/reactivate")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    assert not AuditEvent.objects.filter(action="accounts.user_reactivated").exists()


# --- /user/preference -------------------------------------------------------------------------


def test_preferences_default_without_writing_a_row(client_of, subscriber):
    response = client_of(subscriber).get("/api/v1/user/preference")
    assert response.status_code == 200
    assert response.json() == {"user_id": subscriber.pk, **DEFAULT_PREFERENCES}
    assert not UserPreference.objects.filter(user=subscriber).exists()


def test_partial_put_changes_only_what_it_names(client_of, subscriber):
    client = client_of(subscriber)
    response = client.put(
        "/api/v1/user/preference", {"marketing_communication": True, "sms_notification": False}
    )
    assert response.status_code == 200, response.content
    expected = {
        **DEFAULT_PREFERENCES,
        "marketing_communication": True,
        "sms_notification": False,
    }
    assert response.json() == {"user_id": subscriber.pk, **expected}
    assert client.get("/api/v1/user/preference").json() == {"user_id": subscriber.pk, **expected}
    event = last_event("accounts.preferences_updated")
    assert event.target_id == str(subscriber.pk)
    assert event.before == {"marketing_communication": False, "sms_notification": True}
    assert event.after == {"marketing_communication": True, "sms_notification": False}


def test_full_put_sets_every_switch(client_of, subscriber):
    flipped = {key: not value for key, value in DEFAULT_PREFERENCES.items()}
    response = client_of(subscriber).put("/api/v1/user/preference", flipped)
    assert response.status_code == 200
    preference = UserPreference.objects.get(user=subscriber)
    assert {key: getattr(preference, key) for key in flipped} == flipped


def test_put_without_changes_records_no_event(client_of, subscriber):
    response = client_of(subscriber).put("/api/v1/user/preference", {"sms_notification": True})
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="accounts.preferences_updated").exists()


def test_unknown_preference_keys_are_refused_by_name(client_of, subscriber):
    response = client_of(subscriber).put(
        "/api/v1/user/preference",
        {"sms_notification": False, "push_notification": True, "user_id": 999},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"push_notification", "user_id"}
    assert not UserPreference.objects.filter(user=subscriber).exists()


def test_null_preference_is_refused(client_of, subscriber):
    response = client_of(subscriber).put(
        "/api/v1/user/preference", {"sms_notification": None}, format="json"
    )
    assert response.status_code == 400
    assert "sms_notification" in response.json()["errors"]


def test_preferences_are_each_persons_own(client_of, subscriber, referrer):
    client_of(referrer).put("/api/v1/user/preference", {"data_analytics": False})
    body = client_of(subscriber).get("/api/v1/user/preference").json()
    assert body["user_id"] == subscriber.pk and body["data_analytics"] is True


# --- nothing a caller must not set ------------------------------------------------------------

FORBIDDEN = {
    "status": "active",
    "is_staff": True,
    "is_superuser": True,
    "wallet_balance": "1000000.00",
    "referral_code": "FREE99",
    "user_id": 1,
    "subscriber_type": "postpaid",
}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/api/v1/user/me/email", {"email": "other@example.com"}),
        ("put", "/api/v1/user/me/switch-type", {"user_type": "postpaid"}),
        ("put", "/api/v1/user/preference", {"sms_notification": False}),
    ],
)
@pytest.mark.parametrize("field", sorted(FORBIDDEN))
def test_mass_assignment_leaves_the_row_unchanged(
    client_of, subscriber, method, path, allowed, field
):
    before = snapshot(subscriber)
    response = getattr(client_of(subscriber), method)(
        path, {**allowed, field: FORBIDDEN[field]}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert snapshot(subscriber) == before
    assert not UserPreference.objects.filter(user=subscriber).exists()
    assert not AuditEvent.objects.filter(target_id=str(subscriber.pk)).exists()


def test_no_route_changes_the_wallet_balance(client_of, subscriber):
    response = client_of(subscriber).put(
        "/api/v1/user/me/email", {"email": "x@example.com", "wallet_balance": "5.00"}
    )
    assert response.status_code == 400
    body = client_of(subscriber).get("/api/v1/user/me").json()
    assert Decimal(body["wallet_balance"]) == Decimal("0.00")
    assert body["email"] == "akhil@example.com"
