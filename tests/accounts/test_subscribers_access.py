"""Who may call seed 004's user and admin routes: every staff route, every method."""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import AccountStatus, Role, StaffType, SubscriberType, User, UserRole
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# (method, path, the permission that opens it); {id} and {phone} are filled in per test.
STAFF_ROUTES = [
    ("get", "/api/v1/user/admin", "view_user"),
    ("get", "/api/v1/user/admin/archived", "view_user"),
    ("post", "/api/v1/user/admin/block/{id}", "block_user"),
    ("post", "/api/v1/user/admin/unblock/{id}", "block_user"),
    ("delete", "/api/v1/user/admin/{id}", "delete_user"),
    ("get", "/api/v1/admin/", "view_user"),
    ("post", "/api/v1/admin/", "add_user"),
    ("patch", "/api/v1/admin/{phone}", "change_user"),
    ("delete", "/api/v1/admin/{phone}", "delete_user"),
]
ALL_PERMISSIONS = ("view_user", "add_user", "change_user", "delete_user", "block_user")
ROUTE_IDS = [f"{method} {path}" for method, path, _ in STAFF_ROUTES]


@pytest.fixture
def targets() -> dict:
    subscriber = UserFactory(subscriber_type=SubscriberType.PREPAID, status=AccountStatus.BLOCKED)
    admin = UserFactory(is_staff=True, user_type=StaffType.ADMIN, mobile="+918888888888")
    Role.objects.create(name="operator", display_name="Operator")
    return {"subscriber": subscriber, "admin": admin}


BODIES = {
    "post /api/v1/admin/": {
        "name": "New Ops",
        "email": "new@example.com",
        "phone_number": "8877665544",
        "role_name": "operator",
    },
    "patch /api/v1/admin/{phone}": {"name": "Changed"},
    "post /api/v1/user/admin/block/{id}": {"reason": "x"},
}


def call(client, method: str, path: str, targets: dict):
    url = path.format(id=targets["subscriber"].pk, phone="8888888888")
    return getattr(client, method)(url, BODIES.get(f"{method} {path}", {}), format="json")


def unchanged(targets: dict) -> bool:
    subscriber = User.objects.get(pk=targets["subscriber"].pk)
    admin = User.objects.get(pk=targets["admin"].pk)
    return (
        subscriber.status == AccountStatus.BLOCKED
        and admin.status == AccountStatus.ACTIVE
        and admin.first_name != "Changed"
        and not User.objects.filter(email="new@example.com").exists()
        and not AuditEvent.objects.exists()
    )


@pytest.mark.parametrize(("method", "path", "perm"), STAFF_ROUTES, ids=ROUTE_IDS)
def test_a_normal_user_gets_403_on_every_staff_route(api_client, targets, method, path, perm):
    api_client.force_authenticate(UserFactory(subscriber_type=SubscriberType.PREPAID))
    response = call(api_client, method, path, targets)
    assert response.status_code == 403, response.content
    assert unchanged(targets)


@pytest.mark.parametrize(("method", "path", "perm"), STAFF_ROUTES, ids=ROUTE_IDS)
def test_staff_need_the_matching_permission_not_just_is_staff(
    api_client, targets, method, path, perm
):
    # Every other permission of the set, but not the one this route needs.
    member = UserFactory(is_staff=True, user_type=StaffType.ADMIN)
    others = [p for p in ALL_PERMISSIONS if p != perm]
    member.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="accounts", codename__in=others)
    )
    api_client.force_authenticate(User.objects.get(pk=member.pk))
    response = call(api_client, method, path, targets)
    assert response.status_code == 403, response.content
    assert unchanged(targets)


@pytest.mark.parametrize(("method", "path", "perm"), STAFF_ROUTES, ids=ROUTE_IDS)
def test_the_matching_permission_opens_the_route(api_client, targets, method, path, perm):
    member = UserFactory(is_staff=True, user_type=StaffType.ADMIN)
    codenames = [perm, "assign_role"] if perm == "add_user" else [perm]
    member.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
    )
    if perm == "add_user":  # granting the new admin's role also needs a level to grant from
        lead = Role.objects.create(
            name="lead", display_name="Lead", role_level=10, can_assign_roles=True
        )
        UserRole.objects.create(user=member, role=lead)
    api_client.force_authenticate(User.objects.get(pk=member.pk))
    response = call(api_client, method, path, targets)
    assert response.status_code in (200, 201), response.content


@pytest.mark.parametrize(
    ("method", "path"),
    [
        *((m, p) for m, p, _ in STAFF_ROUTES),
        ("get", "/api/v1/admin/me"),
        ("patch", "/api/v1/admin/me"),
        ("get", "/api/v1/user/me"),
        ("delete", "/api/v1/user/me"),
        ("put", "/api/v1/user/me/email"),
        ("put", "/api/v1/user/me/switch-type"),
        ("post", "/api/v1/user/me/deactivate"),
        ("post", "/api/v1/user/me/reactivate"),
        ("get", "/api/v1/user/preference"),
        ("put", "/api/v1/user/preference"),
    ],
)
def test_anonymous_callers_get_401(api_client, targets, method, path):
    response = call(api_client, method, path, targets)
    assert response.status_code == 401
    assert unchanged(targets)


def test_a_normal_user_gets_403_on_admin_me(api_client):
    api_client.force_authenticate(UserFactory(subscriber_type=SubscriberType.PREPAID))
    assert api_client.get("/api/v1/admin/me").status_code == 403
    assert api_client.patch("/api/v1/admin/me", {"name": "X"}).status_code == 403
