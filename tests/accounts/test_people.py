"""People endpoints: one's own profile, staff user management, blocking, login activity."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import (
    AccountStatus,
    LoginActivity,
    LoginEvent,
    Role,
    StaffType,
    User,
    UserRole,
)
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STAFF_ROUTES = [
    ("get", "/api/v1/admin/users/list_users"),
    ("get", "/api/v1/admin/users/search?q=a"),
    ("get", "/api/v1/admin/users/get_user/1"),
    ("get", "/api/v1/admin/users/get_statistics"),
    ("get", "/api/v1/admin/users/export"),
    ("post", "/api/v1/admin/block/block_user"),
    ("post", "/api/v1/admin/block/unblock_user"),
    ("post", "/api/v1/admin/block/batch_block"),
    ("get", "/api/v1/login-activity/get_user_login_history/1"),
    ("get", "/api/v1/login-activity/get_failed_login_attempts"),
    ("get", "/api/v1/login-activity/get_login_statistics"),
    ("get", "/api/v1/users/"),
    ("post", "/api/v1/users/"),
    ("get", "/api/v1/users/1/"),
    ("patch", "/api/v1/users/1/"),
    ("delete", "/api/v1/users/1/"),
]


def grant(user: User, *codenames: str) -> User:
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def admin_user():
    return UserFactory(
        username="root", is_superuser=True, is_staff=True, user_type=StaffType.SUPER_ADMIN
    )


@pytest.fixture
def admin_client(api_client, admin_user):
    api_client.force_authenticate(admin_user)
    return api_client


@pytest.mark.parametrize(("method", "path"), STAFF_ROUTES)
def test_a_normal_user_is_refused_every_staff_route(api_client, member, method, path):
    api_client.force_authenticate(member)
    response = getattr(api_client, method)(path, {})
    assert response.status_code == 403, path
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(("method", "path"), STAFF_ROUTES)
def test_anonymous_is_refused_every_staff_route(api_client, method, path):
    assert getattr(api_client, method)(path, {}).status_code == 401


def test_is_staff_alone_is_not_enough(api_client):
    staff = UserFactory(is_staff=True, user_type=StaffType.SUPPORT_STAFF)
    api_client.force_authenticate(staff)
    assert api_client.get("/api/v1/admin/users/list_users").status_code == 403


def test_a_role_permission_opens_the_route(api_client, admin_user):
    from accounts.services.roles import role_assign, role_create

    viewer = role_create(
        actor=admin_user,
        name="user-viewer",
        display_name="User viewer",
        role_level=2,
        permissions=list(Permission.objects.filter(codename="view_user")),
    )
    support = UserFactory(user_type=StaffType.SUPPORT_STAFF)
    role_assign(actor=admin_user, user=support, role=viewer)
    api_client.force_authenticate(User.objects.get(pk=support.pk))
    assert api_client.get("/api/v1/admin/users/list_users").status_code == 200
    UserRole.objects.filter(user=support).update(expires_at=timezone.now() - timedelta(seconds=1))
    api_client.force_authenticate(User.objects.get(pk=support.pk))
    assert api_client.get("/api/v1/admin/users/list_users").status_code == 403


# --- own profile -------------------------------------------------------------------------------


def test_my_profile_and_update(api_client, member):
    api_client.force_authenticate(member)
    body = api_client.get("/api/v1/user/profile/my_profile").json()
    assert body["email"] == "member@example.com"
    assert body["mobile"] == "9876543210"
    assert body["account_status"] == "active"

    response = api_client.put(
        "/api/v1/user/profile/update_profile",
        {
            "first_name": "John",
            "address": "123 Main St",
            "city": "Mumbai",
            "pincode": "400001",
            "status": "blocked",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    assert response.status_code == 200
    assert set(response.json()["updated_fields"]) == {"first_name", "address", "city", "pincode"}
    member.refresh_from_db()
    assert (member.first_name, member.city, member.pincode) == ("John", "Mumbai", "400001")
    assert member.status == AccountStatus.ACTIVE and not member.is_staff and not member.is_superuser
    event = AuditEvent.objects.get(action="accounts.profile_updated")
    assert event.before["city"] == "" and event.after["city"] == "Mumbai"


def test_update_profile_validates_pincode_and_phone(api_client, member):
    api_client.force_authenticate(member)
    response = api_client.put(
        "/api/v1/user/profile/update_profile", {"pincode": "01234", "phone": "12"}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"pincode", "phone"}


def test_changing_phone_needs_it_verified_again(api_client, member):
    member.is_phone_verified = True
    member.save()
    api_client.force_authenticate(member)
    api_client.put(
        "/api/v1/user/profile/update_profile",
        {"phone": "9123456780", "current_password": DEFAULT_PASSWORD},
    )
    member.refresh_from_db()
    assert member.mobile == "+919123456780" and not member.is_phone_verified


@pytest.mark.parametrize(
    ("path", "extra", "errors"),
    [
        ("/api/v1/user/profile/change_password", {}, "errors"),
        # Seed 003's route answers in its envelope: messages per field under `error`.
        (
            "/api/v1/users/change-password/",
            {"new_password_confirm": "Brand-New-Phrase-88"},
            "error",
        ),
    ],
)
def test_change_password_keeps_this_session_and_ends_others(
    api_client, member, sign_in, bearer, path, extra, errors
):
    current, other = sign_in("member01"), sign_in("member01")
    client = bearer(api_client, current["access"])
    wrong = client.post(
        path, {"old_password": "not-it-at-all", "new_password": "Brand-New-Phrase-88", **extra}
    )
    assert wrong.status_code == 400 and "old_password" in wrong.json()[errors]
    ok = client.post(
        path, {"old_password": DEFAULT_PASSWORD, "new_password": "Brand-New-Phrase-88", **extra}
    )
    assert ok.status_code == 200
    assert client.post("/api/v1/auth/verify").status_code == 200
    assert bearer(api_client, other["access"]).post("/api/v1/auth/verify").status_code == 401
    member.refresh_from_db()
    assert member.check_password("Brand-New-Phrase-88")


def test_change_password_refuses_a_weak_or_mismatched_one(api_client, member):
    api_client.force_authenticate(member)
    weak = api_client.post(
        "/api/v1/user/profile/change_password",
        {"old_password": DEFAULT_PASSWORD, "new_password": "12345678"},
    )
    assert weak.status_code == 400 and "new_password" in weak.json()["errors"]
    mismatch = api_client.post(
        "/api/v1/users/change-password/",
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password": "Brand-New-Phrase-88",
            "new_password_confirm": "x",
        },
    )
    assert mismatch.status_code == 400 and "new_password_confirm" in mismatch.json()["error"]


def test_my_activity_and_login_history_are_my_own(api_client, member, sign_in, bearer):
    UserFactory(username="someone")
    sign_in("someone")
    tokens = sign_in("member01")
    client = bearer(api_client, tokens["access"])
    activity = client.get("/api/v1/user/profile/get_activity").json()
    assert activity["user_id"] == member.pk and activity["active_sessions"] == 1
    history = client.get("/api/v1/login-activity/get_my_login_history?days=7").json()
    assert history["total_logins"] == 1
    assert {row["status"] for row in history["recent_logins"]} == {"success"}
    assert LoginActivity.objects.filter(user__username="someone").exists()
    ids = {row["id"] for row in history["recent_logins"]}
    assert not LoginActivity.objects.filter(id__in=ids).exclude(user=member).exists()


def test_days_must_be_a_sensible_number(api_client, member):
    api_client.force_authenticate(member)
    response = api_client.get("/api/v1/login-activity/get_my_login_history?days=abc")
    assert response.status_code == 400 and "days" in response.json()["errors"]


def test_users_profile_and_permissions_of_seed_003(api_client, admin_user, member):
    from accounts.services.roles import role_assign, role_create

    Role.objects.filter(name="billing_manager").delete()  # the installed one, replaced
    role = role_create(
        actor=admin_user,
        name="billing_manager",
        display_name="Billing Manager",
        role_level=3,
        permissions=list(Permission.objects.filter(codename__in=["view_user", "change_user"])),
    )
    role_assign(actor=admin_user, user=member, role=role, reason="Promotion")
    api_client.force_authenticate(User.objects.get(pk=member.pk))
    profile = api_client.get("/api/v1/users/profile/").json()["data"]
    assert profile["login_id"] == "member01"
    assert profile["roles"][0]["role_name"] == "Billing Manager"
    perms = api_client.get("/api/v1/users/permissions/").json()["data"]
    assert {"accounts.view_user", "accounts.change_user"} <= set(perms["permissions"])
    assert perms["roles"][0]["name"] == "billing_manager"


# --- staff: users ----------------------------------------------------------------------------------


def test_list_users_searches_and_paginates_in_fixed_queries(
    admin_client, django_assert_max_num_queries
):
    UserFactory.create_batch(30)
    UserFactory(email="john.smith@example.com", first_name="John")
    with django_assert_max_num_queries(6):
        small = admin_client.get("/api/v1/admin/users/list_users?page_size=1")
    with django_assert_max_num_queries(6):
        large = admin_client.get("/api/v1/admin/users/list_users?page_size=50")
    assert small.json()["count"] == large.json()["count"] == 32
    assert len(large.json()["results"]) == 32
    found = admin_client.get("/api/v1/admin/users/list_users?search=john").json()
    assert [row["email"] for row in found["results"]] == ["john.smith@example.com"]
    by_email = admin_client.get("/api/v1/admin/users/search?q=smith&filter_by=email").json()
    assert by_email["count"] == 1
    assert (
        admin_client.get("/api/v1/admin/users/search?q=smith&filter_by=password").status_code == 400
    )


def test_get_user_counts_logins(admin_client, member, sign_in, api_client):
    sign_in("member01")
    api_client.post("/api/v1/auth/login", {"username": "member01", "password": "wrong-one-1"})
    body = admin_client.get(f"/api/v1/admin/users/get_user/{member.pk}").json()
    assert body["account_status"] == "active"
    assert body["login_attempts"] == 1 and body["failed_logins"] == 1
    assert admin_client.get("/api/v1/admin/users/get_user/999999").status_code == 404


def test_statistics_come_from_real_rows(admin_client, admin_user):
    UserFactory.create_batch(3)
    UserFactory(status=AccountStatus.BLOCKED)
    UserFactory(status=AccountStatus.DEACTIVATED)
    stats = admin_client.get("/api/v1/admin/users/get_statistics").json()
    assert stats["total_users"] == 6
    assert stats["active_users"] == 4
    assert stats["blocked_users"] == 1 and stats["inactive_users"] == 1
    assert stats["user_types"] == {"super_admin": 1}


def test_export_streams_csv_with_escaped_cells(admin_client):
    UserFactory(username="formula", first_name='=HYPERLINK("http://x")', last_name="")
    UserFactory(username="gone", status=AccountStatus.ARCHIVED)
    response = admin_client.get("/api/v1/admin/users/export?format=csv&status=active")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["id", "username", "email"]
    names = {row[1]: row for row in rows[1:]}
    assert "gone" not in names
    assert names["formula"][4].startswith("'=")
    assert admin_client.get("/api/v1/admin/users/export?format=xml").status_code == 400


def test_block_with_duration_then_unblock(admin_client, member, sign_in, bearer, api_client):
    tokens = sign_in("member01")
    response = admin_client.post(
        "/api/v1/admin/block/block_user",
        {"user_id": member.pk, "reason": "Suspicious", "duration_days": 7},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["blocked"] is True and body["reason"] == "Suspicious"
    member.refresh_from_db()
    assert member.status == AccountStatus.BLOCKED
    assert abs((member.blocked_until - timezone.now()) - timedelta(days=7)) < timedelta(minutes=1)
    # The live token stops at the next request.
    other = api_client.__class__()
    assert bearer(other, tokens["access"]).post("/api/v1/auth/verify").status_code == 401
    event = AuditEvent.objects.get(action="accounts.user_blocked")
    assert event.before["status"] == "active" and event.after["status"] == "blocked"

    unblocked = admin_client.post("/api/v1/admin/block/unblock_user", {"user_id": member.pk})
    assert unblocked.status_code == 200 and unblocked.json()["unblocked"] is True
    member.refresh_from_db()
    assert member.status == AccountStatus.ACTIVE and member.blocked_until is None


def test_block_refuses_self_and_unknown_users(admin_client, admin_user):
    own = admin_client.post("/api/v1/admin/block/block_user", {"user_id": admin_user.pk})
    assert own.status_code == 409 and own.json()["code"] == "own_account"
    response = admin_client.post("/api/v1/admin/block/block_user", {"user_id": 999999})
    assert response.status_code == 400 and "user_id" in response.json()["errors"]


def test_only_a_superuser_blocks_a_superuser(api_client):
    blocker = grant(UserFactory(is_staff=True), "block_user")
    target = UserFactory(is_superuser=True)
    api_client.force_authenticate(blocker)
    assert (
        api_client.post("/api/v1/admin/block/block_user", {"user_id": target.pk}).status_code == 403
    )
    target.refresh_from_db()
    assert target.status == AccountStatus.ACTIVE


def test_batch_block_is_all_or_nothing(admin_client, admin_user):
    users = UserFactory.create_batch(3)
    response = admin_client.post(
        "/api/v1/admin/block/batch_block", {"user_ids": [u.pk for u in users], "reason": "spam"}
    )
    assert response.status_code == 200 and response.json()["blocked_count"] == 3
    assert sorted(response.json()["blocked_users"]) == sorted(u.pk for u in users)
    assert User.objects.filter(status=AccountStatus.BLOCKED).count() == 3
    fresh = UserFactory()
    failed = admin_client.post(
        "/api/v1/admin/block/batch_block", {"user_ids": [fresh.pk, admin_user.pk]}
    )
    assert failed.status_code == 409
    fresh.refresh_from_db()
    assert fresh.status == AccountStatus.ACTIVE


def test_login_activity_reports_for_staff(admin_client, member, api_client):
    for ip in ("198.51.100.1", "198.51.100.2"):
        api_client.post(
            "/api/v1/auth/login",
            {"username": "member01", "password": "wrong-pass-1"},
            REMOTE_ADDR=ip,
        )
    api_client.post("/api/v1/auth/login", {"username": "member01", "password": DEFAULT_PASSWORD})
    failed = admin_client.get("/api/v1/login-activity/get_failed_login_attempts?days=1").json()
    assert failed["total_failed_attempts"] == 2
    assert failed["attempts_by_user"] == [
        {
            "user_id": member.pk,
            "failed_attempts": 2,
            "last_attempt": failed["attempts_by_user"][0]["last_attempt"],
            "ip_addresses": ["198.51.100.1", "198.51.100.2"],
        }
    ]
    stats = admin_client.get("/api/v1/login-activity/get_login_statistics").json()
    assert stats["total_logins_today"] == 1 and stats["total_failed_attempts"] == 2
    assert stats["unique_users"] == 1
    history = admin_client.get(f"/api/v1/login-activity/get_user_login_history/{member.pk}").json()
    assert history["user_id"] == member.pk and len(history["logins"]) == 3
    assert LoginActivity.objects.filter(event=LoginEvent.LOGIN_FAILED).count() == 2


# --- seeds 002 and 003: users/ -------------------------------------------------------------------


def test_create_user_with_roles(admin_client, admin_user):
    role = Role.objects.create(name="noc", display_name="NOC", role_level=2)
    response = admin_client.post(
        "/api/v1/users/",
        {
            "login_id": "john_doe123",
            "email": "john@example.com",
            "password": "SecurePass123!",
            "password_confirm": "SecurePass123!",
            "name": "John Doe",
            "mobile": "+8801712345678",
            "user_type": "admin",
            "employee_id": "EMP001",
            "designation": "System Administrator",
            "department": "IT",
            "roles": [role.pk],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()["data"]
    assert body["login_id"] == "john_doe123" and body["name"] == "John Doe"
    assert body["mobile"] == "+8801712345678"
    assert [r["name"] for r in body["roles"]] == ["noc"]
    user = User.objects.get(username="john_doe123")
    assert user.check_password("SecurePass123!") and user.is_staff
    assert AuditEvent.objects.filter(
        action="accounts.user_created", target_id=str(user.pk)
    ).exists()


def test_create_user_refuses_mismatched_passwords_and_taken_login(admin_client):
    UserFactory(username="taken")
    response = admin_client.post(
        "/api/v1/users/",
        {"login_id": "taken", "password": "SecurePass123!", "password_confirm": "Other123!!"},
    )
    assert response.status_code == 400
    assert "login_id" in response.json()["error"]


def test_users_list_serves_seed_002_and_003(admin_client, member, django_assert_max_num_queries):
    UserFactory.create_batch(5, user_type=StaffType.CALLING_AGENT)
    with django_assert_max_num_queries(6):
        body = admin_client.get("/api/v1/users/?user_type=calling_agent&limit=2").json()
    # Not a seed 003 client: seed 002's bare array.
    assert len(body) == 2 and body[0]["role"] == "calling_agent"
    with django_assert_max_num_queries(6):
        admin_client.get("/api/v1/users/?limit=100")
    assert len(admin_client.get("/api/v1/users?search=member01").json()) == 1


def test_patch_user_refuses_fields_staff_may_not_set(admin_client, member):
    response = admin_client.patch(
        f"/api/v1/users/{member.pk}/",
        {
            "designation": "Lead",
            "is_superuser": True,
            "is_staff": True,
            "status": "archived",
            "password": "x",
        },
    )
    # Nothing is silently dropped: each field that cannot be set is named, and nothing changes.
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"is_superuser", "is_staff", "status", "password"}
    member.refresh_from_db()
    assert member.designation != "Lead"
    assert not member.is_superuser and not member.is_staff
    assert member.status == AccountStatus.ACTIVE and member.check_password(DEFAULT_PASSWORD)


def test_delete_user_archives_and_keeps_the_row(admin_client, member, api_client):
    deleted = admin_client.delete(f"/api/v1/users/{member.pk}/")
    assert deleted.status_code == 200 and deleted.json()["success"] is True
    member.refresh_from_db()
    assert member.status == AccountStatus.ARCHIVED
    refused = api_client.post(
        "/api/v1/auth/login", {"username": "member01", "password": DEFAULT_PASSWORD}
    )
    assert refused.status_code == 403
