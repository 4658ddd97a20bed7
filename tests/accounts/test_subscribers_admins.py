"""Seed 004: the admin directory (/admin/, /admin/me, /admin/{phone_number})."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccountStatus, Role, StaffType, SubscriberType, User, UserRole
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_FIELDS = {
    "admin_id",
    "name",
    "email",
    "phone_number",
    "role_id",
    "created_at",
    "updated_at",
}


def perms(*codenames: str) -> list[Permission]:
    return list(
        Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
    )


def staff(**fields) -> User:
    fields.setdefault("is_staff", True)
    fields.setdefault("user_type", StaffType.ADMIN)
    return UserFactory(**fields)


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-sequence").first()
    assert event is not None, f"no audit event {action}"
    return event


@pytest.fixture
def operator_role() -> Role:
    return Role.objects.create(name="operator", display_name="Operator", role_level=5)


@pytest.fixture
def support_role() -> Role:
    return Role.objects.create(name="support", display_name="Support", role_level=3)


@pytest.fixture
def root(api_client) -> User:
    user = staff(username="root", is_superuser=True, user_type=StaffType.SUPER_ADMIN)
    api_client.force_authenticate(user)
    return user


@pytest.fixture
def ops(operator_role) -> User:
    user = staff(
        first_name="Ops",
        last_name="One",
        email="ops@example.com",
        mobile="+918888888888",
    )
    UserRole.objects.create(user=user, role=operator_role)
    return user


# --- /admin/me --------------------------------------------------------------------------------


def test_admin_me_in_the_seed_shape(api_client, ops, operator_role, support_role):
    UserRole.objects.create(user=ops, role=support_role)  # assigned later: not the first
    api_client.force_authenticate(ops)
    response = api_client.get("/api/v1/admin/me")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == ADMIN_FIELDS
    assert body["admin_id"] == ops.pk
    assert body["name"] == "Ops One"
    assert body["phone_number"] == "8888888888"
    assert body["role_id"] == operator_role.pk


def test_role_id_is_null_without_a_live_role(api_client, ops, operator_role):
    UserRole.objects.filter(user=ops).update(expires_at=timezone.now() - timedelta(seconds=1))
    api_client.force_authenticate(ops)
    assert api_client.get("/api/v1/admin/me/").json()["role_id"] is None


def test_admin_me_change_name_and_email(api_client, ops):
    api_client.force_authenticate(ops)
    response = api_client.patch(
        "/api/v1/admin/me",
        {"name": "Ops Two", "email": "new-admin@example.com", "current_password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Ops Two"
    assert response.json()["email"] == "new-admin@example.com"
    ops.refresh_from_db()
    assert (ops.first_name, ops.last_name) == ("Ops", "Two")
    profile = last_event("accounts.profile_updated")
    assert profile.before == {"last_name": "One"} and profile.after == {"last_name": "Two"}
    email = last_event("accounts.email_changed")
    assert email.before["email"] == "ops@example.com"
    assert email.after["email"] == "new-admin@example.com"


@pytest.mark.parametrize(
    "field",
    ["phone_number", "role_id", "role_name", "is_superuser", "status", "user_type", "admin_id"],
)
def test_admin_me_sets_nothing_else(api_client, ops, field):
    api_client.force_authenticate(ops)
    before = User.objects.filter(pk=ops.pk).values().get()
    response = api_client.patch(
        "/api/v1/admin/me", {"name": "Changed Name", field: "1"}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert User.objects.filter(pk=ops.pk).values().get() == before
    assert list(UserRole.objects.filter(user=ops).values_list("role__name", flat=True)) == [
        "operator"
    ]


def test_admin_me_is_for_staff_only(api_client):
    api_client.force_authenticate(UserFactory(subscriber_type=SubscriberType.PREPAID))
    assert api_client.get("/api/v1/admin/me").status_code == 403
    assert api_client.patch("/api/v1/admin/me", {"name": "X"}).status_code == 403


# --- /admin/ list -----------------------------------------------------------------------------


@pytest.fixture
def directory(ops, support_role):
    anna = staff(
        first_name="Anna", last_name="Rao", email="anna@example.com", mobile="+919999999999"
    )
    UserRole.objects.create(user=anna, role=support_role)
    lapsed = staff(first_name="Lapsed", email="lapsed@example.com")
    UserRole.objects.create(
        user=lapsed, role=support_role, expires_at=timezone.now() - timedelta(hours=1)
    )
    staff(first_name="Archived", status=AccountStatus.ARCHIVED)
    UserFactory(first_name="Subscriber", subscriber_type=SubscriberType.PREPAID)
    return {"ops": ops, "anna": anna, "lapsed": lapsed}


def admin_ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["admin_id"] for row in response.json()}


def test_list_admins(api_client, root, directory):
    response = api_client.get("/api/v1/admin/")
    expected = {root.pk, *(u.pk for u in directory.values())}
    assert admin_ids(response) == expected
    row = next(r for r in response.json() if r["admin_id"] == directory["anna"].pk)
    assert set(row) == ADMIN_FIELDS and row["phone_number"] == "9999999999"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"name": "anna"}, {"anna"}),
        ({"email": "OPS@"}, {"ops"}),
        ({"phone_number": "9999999999"}, {"anna"}),
        ({"role_name": "Support"}, {"anna"}),  # the lapsed assignment does not count
        ({"role_name": "operator"}, {"ops"}),
        ({"role_name": "nobody"}, set()),
    ],
)
def test_list_admins_filters(api_client, root, directory, query, expected):
    response = api_client.get("/api/v1/admin", query)
    assert admin_ids(response) == {directory[name].pk for name in expected}


def test_list_admins_skip_limit_sort(api_client, root, directory):
    response = api_client.get(
        "/api/v1/admin/", {"sort_by": "email", "sort_order": "asc", "skip": 0, "limit": 2}
    )
    emails = [r["email"] for r in response.json()]
    assert emails == ["anna@example.com", "lapsed@example.com"]
    rest = api_client.get("/api/v1/admin/", {"sort_by": "email", "skip": 2, "limit": 2}).json()
    assert len(rest) == 2 and not set(emails) & {r["email"] for r in rest}


def test_list_admins_costs_a_fixed_number_of_queries(
    api_client, operator_role, django_assert_max_num_queries
):
    viewer = staff(username="viewer")
    viewer.user_permissions.add(*perms("view_user"))
    for n in range(30):
        member = staff(mobile=f"+9198200{n:05d}")
        UserRole.objects.create(user=member, role=operator_role)

    def count(limit: int) -> int:
        api_client.force_authenticate(fresh(viewer))
        with CaptureQueriesContext(connection) as ctx:
            response = api_client.get("/api/v1/admin/", {"limit": limit})
        assert len(response.json()) == limit
        return len(ctx.captured_queries)

    assert count(2) == count(25)
    api_client.force_authenticate(fresh(viewer))
    with django_assert_max_num_queries(8):
        api_client.get("/api/v1/admin/", {"limit": 31})


# --- POST /admin/ -----------------------------------------------------------------------------

NEW_ADMIN = {
    "name": "New Ops",
    "email": "Ops2@Example.com",
    "phone_number": "8877665544",
    "role_name": "Operator",
}


def test_create_admin(api_client, root, operator_role):
    response = api_client.post("/api/v1/admin/", NEW_ADMIN)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == ADMIN_FIELDS
    assert body["name"] == "New Ops" and body["email"] == "ops2@example.com"
    assert body["phone_number"] == "8877665544" and body["role_id"] == operator_role.pk
    user = User.objects.get(pk=body["admin_id"])
    assert user.is_staff and not user.is_superuser
    assert user.user_type == StaffType.ADMIN and user.mobile == "+918877665544"
    assert not user.has_usable_password()
    assignment = UserRole.objects.get(user=user)
    assert assignment.role == operator_role and assignment.assigned_by == root
    created = last_event("accounts.user_created")
    assert created.target_id == str(user.pk) and created.after["email"] == "ops2@example.com"
    assert last_event("accounts.role_assigned").after["role"] == "operator"


def test_create_admin_through_a_role_with_the_right_permissions(api_client, operator_role):
    lead_role = Role.objects.create(
        name="lead", display_name="Lead", role_level=10, can_assign_roles=True
    )
    lead_role.permissions.set(perms("add_user", "assign_role"))
    lead = staff()
    UserRole.objects.create(user=lead, role=lead_role)
    api_client.force_authenticate(fresh(lead))
    response = api_client.post("/api/v1/admin/", NEW_ADMIN)
    assert response.status_code == 201, response.content


def test_unknown_role_name_is_refused_by_name(api_client, root):
    response = api_client.post("/api/v1/admin/", {**NEW_ADMIN, "role_name": "Wizard"})
    assert response.status_code == 400
    assert "role_name" in response.json()["errors"]
    assert not User.objects.filter(mobile="+918877665544").exists()


def test_create_is_all_or_nothing_when_the_role_cannot_be_granted(api_client, operator_role):
    creator = staff()
    creator.user_permissions.add(*perms("add_user"))  # but not assign_role
    api_client.force_authenticate(fresh(creator))
    response = api_client.post("/api/v1/admin/", NEW_ADMIN)
    assert response.status_code == 403
    assert not User.objects.filter(mobile="+918877665544").exists()
    assert not AuditEvent.objects.filter(action="accounts.user_created").exists()


def test_create_refuses_a_phone_number_in_use(api_client, root, ops):
    response = api_client.post("/api/v1/admin/", {**NEW_ADMIN, "phone_number": "8888888888"})
    assert response.status_code == 409
    assert User.objects.filter(mobile="+918888888888").count() == 1


@pytest.mark.parametrize("field", ["is_superuser", "status", "user_type", "password"])
def test_create_sets_nothing_else(api_client, root, operator_role, field):
    response = api_client.post("/api/v1/admin/", {**NEW_ADMIN, field: "super_admin"}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not User.objects.filter(mobile="+918877665544").exists()


# --- PATCH / DELETE /admin/{phone_number} -----------------------------------------------------


@pytest.mark.parametrize("phone", ["8888888888", "+918888888888", "+91%208888888888"])
def test_update_admin_by_phone(api_client, root, ops, phone):
    response = api_client.patch(
        f"/api/v1/admin/{phone}", {"name": "Ops Two", "email": "ops2@example.com"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Ops Two"
    ops.refresh_from_db()
    assert (ops.last_name, ops.email) == ("Two", "ops2@example.com")
    event = last_event("accounts.user_updated")
    assert event.actor_id == root.pk
    assert event.before == {"last_name": "One", "email": "ops@example.com"}
    assert event.after == {"last_name": "Two", "email": "ops2@example.com"}


def test_update_admin_role_and_phone(api_client, root, ops, operator_role, support_role):
    response = api_client.patch(
        "/api/v1/admin/8888888888/", {"phone_number": "8888800000", "role_name": "support"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["phone_number"] == "8888800000"
    assert response.json()["role_id"] == support_role.pk
    live = UserRole.objects.active().filter(user=ops)
    assert list(live.values_list("role__name", flat=True)) == ["support"]
    assert UserRole.objects.filter(user=ops, role=operator_role, revoked_at__isnull=False).exists()
    assert last_event("accounts.role_revoked").before == {"role": "operator"}
    assert last_event("accounts.user_updated").after == {"mobile": "+918888800000"}


@pytest.mark.parametrize("field", ["is_superuser", "status", "is_staff", "role_id"])
def test_update_admin_sets_nothing_else(api_client, root, ops, field):
    before = User.objects.filter(pk=ops.pk).values().get()
    response = api_client.patch(
        "/api/v1/admin/8888888888", {"name": "X Y", field: True}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert User.objects.filter(pk=ops.pk).values().get() == before


@pytest.mark.parametrize("phone", ["7777777777", "not-a-number", "9876543210"])
def test_update_unknown_or_non_admin_phone_is_404(api_client, root, phone):
    UserFactory(mobile="+919876543210", subscriber_type=SubscriberType.PREPAID)
    response = api_client.patch(f"/api/v1/admin/{phone}", {"name": "X"})
    assert response.status_code == 404


def test_delete_admin_archives(api_client, root, ops):
    response = api_client.delete("/api/v1/admin/8888888888")
    assert response.status_code == 200
    assert response.json() == {}
    ops.refresh_from_db()
    assert ops.status == AccountStatus.ARCHIVED and ops.email == "ops@example.com"
    event = last_event("accounts.user_archived")
    assert event.actor_id == root.pk and event.target_id == str(ops.pk)
    assert event.before["status"] == "active" and event.after["status"] == "archived"
    assert ops.pk not in admin_ids(api_client.get("/api/v1/admin/"))
    assert api_client.delete("/api/v1/admin/8888888888").status_code == 404


def test_admin_cannot_delete_themselves(api_client, ops):
    ops.user_permissions.add(*perms("delete_user"))
    api_client.force_authenticate(fresh(ops))
    response = api_client.delete("/api/v1/admin/8888888888")
    assert response.status_code == 409 and response.json()["code"] == "own_account"
    assert fresh(ops).status == AccountStatus.ACTIVE


def test_only_a_superuser_changes_a_superuser(api_client, ops):
    boss = staff(is_superuser=True, mobile="+919999900000")
    ops.user_permissions.add(*perms("change_user", "delete_user"))
    api_client.force_authenticate(fresh(ops))
    assert api_client.patch("/api/v1/admin/9999900000", {"name": "Hacked"}).status_code == 403
    assert api_client.delete("/api/v1/admin/9999900000").status_code == 403
    boss.refresh_from_db()
    assert boss.first_name != "Hacked" and boss.status == AccountStatus.ACTIVE
