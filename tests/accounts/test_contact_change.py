"""One's own e-mail address or mobile number changes only with proof."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from accounts.models import AuthSession, User
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROFILE = "/api/v1/user/profile/update_profile"
ME_EMAIL = "/api/v1/user/me/email"
ADMIN_ME = "/api/v1/admin/me"
CODE = "/api/v1/user/me/contact-code"


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


@pytest.fixture
def two_sessions(api_client, sign_in, member, bearer):
    """The member signed in twice; the client speaks for the first session."""
    first, second = sign_in("member01"), sign_in("member01")
    bearer(api_client, first["access"])
    return first["session_id"], second["session_id"]


def live(session_id) -> bool:
    return AuthSession.objects.get(pk=session_id).revoked_at is None


@pytest.mark.parametrize(
    ("path", "method", "body"),
    [
        (PROFILE, "put", {"phone": "9123456780"}),
        (ME_EMAIL, "put", {"email": "new@example.com"}),
    ],
)
def test_without_proof_nothing_changes_and_the_missing_field_is_named(
    api_client, two_sessions, member, inbox, path, method, body
):
    response = getattr(api_client, method)(path, body)

    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert "current_password" in response.json()["errors"]
    after = fresh(member)
    assert (after.email, after.mobile) == ("member@example.com", "+919876543210")
    assert all(live(sid) for sid in two_sessions)
    assert inbox.sms == [] and inbox.mail == []
    assert not AuditEvent.objects.filter(
        action__in=["accounts.email_changed", "accounts.mobile_changed"]
    ).exists()


def test_a_wrong_password_is_no_proof(api_client, two_sessions, member):
    response = api_client.put(PROFILE, {"phone": "9123456780", "current_password": "Wrong-Pass-77"})
    assert response.status_code == 400 and "current_password" in response.json()["errors"]
    assert fresh(member).mobile == "+919876543210"


def test_the_password_proves_a_new_phone(api_client, two_sessions, member, inbox):
    current, other = two_sessions

    response = api_client.put(
        PROFILE, {"phone": "9123456780", "city": "Pune", "current_password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200, response.content
    assert set(response.json()["updated_fields"]) >= {"mobile", "city"}
    user = fresh(member)
    assert user.mobile == "+919123456780" and not user.is_phone_verified
    # The other session ends, as after a password change; this one stays.
    assert live(current) and not live(other)
    event = AuditEvent.objects.get(action="accounts.mobile_changed")
    assert event.before["mobile"] == "+919876543210"
    assert event.after["mobile"] == "+919123456780" and event.after["proof"] == "password"
    # The old number hears of it, and the message does not spell the new one out.
    (notice,) = [m for m in inbox.sms if m.to == "+919876543210"]
    assert "changed" in notice.body and "9123456780" not in notice.body


def test_a_code_sent_to_the_new_address_proves_it(api_client, two_sessions, member, inbox):
    current, other = two_sessions
    sent = api_client.post(CODE, {"email": "New@Example.com"})
    assert sent.status_code == 200 and sent.json()["otp_sent"] is True
    code = inbox.code_for("new@example.com")

    response = api_client.put(
        ME_EMAIL,
        {"email": "new@example.com", "request_id": sent.json()["request_id"], "otp": code},
    )

    assert response.status_code == 200, response.content
    user = fresh(member)
    assert user.email == "new@example.com" and user.is_email_verified
    assert live(current) and not live(other)
    assert AuditEvent.objects.get(action="accounts.email_changed").after["proof"] == "code"
    notices = [m for m in mail.outbox if m.to == ["member@example.com"]]
    assert len(notices) == 1 and "changed" in notices[0].subject


def test_a_code_proves_only_its_own_address_and_only_once(api_client, two_sessions, member, inbox):
    sent = api_client.post(CODE, {"email": "mine@example.com"}).json()
    code = inbox.code_for("mine@example.com")

    other = api_client.put(
        ME_EMAIL, {"email": "other@example.com", "request_id": sent["request_id"], "otp": code}
    )
    assert other.status_code == 400 and "otp" in other.json()["errors"]
    assert fresh(member).email == "member@example.com"

    # Entered once, the code still proves its own address for a while ...
    ok = api_client.put(ME_EMAIL, {"email": "mine@example.com", "request_id": sent["request_id"]})
    assert ok.status_code == 200, ok.content
    # ... and then never again.
    again = api_client.put(
        ME_EMAIL, {"email": "member@example.com", "request_id": sent["request_id"]}
    )
    assert again.status_code == 400 and again.json()["code"] == "otp_used"
    assert fresh(member).email == "mine@example.com"


def test_a_wrong_code_is_refused(api_client, two_sessions, member, inbox):
    sent = api_client.post(CODE, {"phone_number": "9123456780"}).json()
    assert inbox.count_to("+919123456780") == 1
    response = api_client.put(
        PROFILE, {"phone": "9123456780", "request_id": sent["request_id"], "otp": "000000"}
    )
    assert response.status_code == 400 and response.json()["code"] == "otp_invalid"
    assert fresh(member).mobile == "+919876543210"


@pytest.fixture
def admin_member(api_client):
    user = UserFactory(
        username="ops05", email="ops5@example.com", mobile="+918888800005", is_staff=True
    )
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    api_client.force_authenticate(fresh(user))
    return user


def test_admin_me_needs_proof_for_the_email_but_not_the_name(api_client, admin_member):
    assert api_client.patch(ADMIN_ME, {"name": "Ops Five"}).status_code == 200
    refused = api_client.patch(ADMIN_ME, {"email": "ops-new@example.com"})
    assert refused.status_code == 400 and "current_password" in refused.json()["errors"]
    assert fresh(admin_member).email == "ops5@example.com"

    ok = api_client.patch(
        ADMIN_ME, {"email": "ops-new@example.com", "current_password": DEFAULT_PASSWORD}
    )
    assert ok.status_code == 200 and fresh(admin_member).email == "ops-new@example.com"


@pytest.mark.parametrize(
    ("path", "body", "errors"),
    [
        # Seed 003's route: its error body names the fields under `error`.
        ("/api/v1/users/{pk}/", {"email": "self-new@example.com"}, "error"),
        ("/api/v1/users/{pk}/", {"mobile": "9000000005"}, "error"),
        ("/api/v1/admin/8888800005", {"phone_number": "9000000005"}, "errors"),
    ],
)
def test_staff_routes_need_proof_for_ones_own_contact(api_client, admin_member, path, body, errors):
    response = api_client.patch(path.format(pk=admin_member.pk), body)
    assert response.status_code == 400 and "current_password" in response.json()[errors]
    after = fresh(admin_member)
    assert (after.email, after.mobile) == ("ops5@example.com", "+918888800005")

    proved = api_client.patch(
        path.format(pk=admin_member.pk), {**body, "current_password": DEFAULT_PASSWORD}
    )
    assert proved.status_code == 200, proved.content


def test_staff_change_someone_elses_email_without_proof_and_it_is_audited(api_client, admin_member):
    target = UserFactory(email="target@example.com")
    response = api_client.patch(f"/api/v1/users/{target.pk}/", {"email": "moved@example.com"})
    assert response.status_code == 200, response.content
    assert fresh(target).email == "moved@example.com"
    event = AuditEvent.objects.get(action="accounts.user_updated", target_id=str(target.pk))
    assert event.actor_id == admin_member.pk
    assert event.before["email"] == "target@example.com"
    assert event.after["email"] == "moved@example.com"
