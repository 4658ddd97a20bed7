"""Seed 004's role matrix and seed 000's role actions, over the same roles as seed 003's."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from accounts.models import Role, User, UserRole
from audit.models import AuditEvent
from tests.accounts.test_roles_support import (  # noqa: F401 (fixtures)
    act_as,
    admin_client_fixture,
    fresh,
    give,
    make_role,
    perms,
    person_fixture,
    role_admin_fixture,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MATRIX = "/api/v1/role/"
ALL = "/api/v1/role/permissions/all"


def _resource(model) -> int:
    return ContentType.objects.get_for_model(model).pk


def _codenames(role: Role) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.all()}


def test_permissions_all_lists_every_resource_with_its_four_flags(admin_client):
    response = admin_client.get(ALL + "?limit=100")

    assert response.status_code == 200, response.content
    entries = {e["permission_id"]: e for e in response.json()}
    assert entries[_resource(User)] == {
        "permission_id": _resource(User),
        "resource": "Users",
        "read": True,
        "write": True,
        "delete": True,
        "edit": True,
    }
    assert entries[_resource(UserRole)]["resource"] == "User Roles"


def test_create_role_from_resources_and_flags(admin_client, role_admin):
    response = admin_client.post(
        MATRIX,
        {
            "role_name": "Support Desk",
            "permission_ids": [_resource(Group)],
            "permissions": [{"permission_id": _resource(User), "read": True, "edit": True}],
        },
    )

    assert response.status_code == 201, response.content
    role = Role.objects.get(name="support_desk")
    assert role.display_name == "Support Desk"
    body = response.json()
    assert (body["role_name"], body["role_id"]) == ("Support Desk", role.pk)
    assert _codenames(role) == {
        "auth.view_group",
        "auth.add_group",
        "auth.change_group",
        "auth.delete_group",
        "accounts.view_user",
        "accounts.change_user",
    }
    users = {"resource": "Users", "read": True, "write": False, "delete": False, "edit": True}
    groups = {"resource": "Groups", "read": True, "write": True, "delete": True, "edit": True}
    expected = [
        {"permission_id": _resource(User), **users},
        {"permission_id": _resource(Group), **groups},
    ]
    assert body["permissions"] == sorted(expected, key=lambda e: e["permission_id"])
    assert body["other_permissions"] == []
    assert AuditEvent.objects.filter(action="accounts.role_created", target_id=str(role.pk))


def test_a_resource_grant_needs_every_permission_held(admin_client):
    # permission_ids grants all four; the admin holds no add/delete permission on users.
    response = admin_client.post(
        MATRIX, {"role_name": "Support", "permission_ids": [_resource(User)]}
    )
    assert response.status_code == 403
    assert not Role.objects.filter(name="support").exists()


def test_the_same_role_in_both_shapes(admin_client):
    role = make_role(
        "team_lead",
        level=5,
        permissions=("accounts.view_user", "accounts.change_user", "accounts.assign_role"),
    )
    seed003 = admin_client.get(f"/api/v1/roles/{role.pk}/").json()["data"]
    seed004 = admin_client.get(f"{MATRIX}{role.pk}").json()

    assert seed003["display_name"] == seed004["role_name"] == "Team Lead"
    assert seed003["id"] == seed004["role_id"]
    assert {p["codename"] for p in seed003["permissions"]} == {
        "accounts.view_user",
        "accounts.change_user",
        "accounts.assign_role",
    }
    assert seed004["permissions"] == [
        {
            "permission_id": _resource(User),
            "resource": "Users",
            "read": True,
            "write": False,
            "delete": False,
            "edit": True,
        }
    ]
    assert seed004["other_permissions"] == ["accounts.assign_role"]
    listed = admin_client.get(MATRIX + "?search=team").json()
    assert [r["role_id"] for r in listed] == [role.pk]


def test_put_replaces_name_and_matrix_but_keeps_other_permissions(admin_client):
    role = make_role(
        "support",
        permissions=("accounts.view_user", "accounts.change_user", "accounts.assign_role"),
    )
    response = admin_client.put(
        f"{MATRIX}{role.pk}",
        {
            "role_name": "Support Plus",
            "permission_ids": [],
            "permissions": [{"permission_id": _resource(Role), "read": True, "edit": True}],
        },
    )

    assert response.status_code == 200, response.content
    role.refresh_from_db()
    assert (role.name, role.display_name) == ("support", "Support Plus")
    assert _codenames(role) == {
        "accounts.view_role",
        "accounts.change_role",
        "accounts.assign_role",
    }
    assert response.json()["role_name"] == "Support Plus"
    assert AuditEvent.objects.filter(action="accounts.role_updated", target_id=str(role.pk))


def test_unknown_resource_and_duplicate_name_are_400(admin_client):
    make_role("support")
    response = admin_client.post(MATRIX, {"role_name": "Other", "permission_ids": [987654]})
    assert response.status_code == 400
    assert "permission_ids" in response.json()["errors"]
    response = admin_client.post(MATRIX, {"role_name": "Support"})
    assert response.status_code == 400
    assert "role_name" in response.json()["errors"]


def test_delete_through_the_matrix_route(admin_client):
    role = make_role("short_lived")
    response = admin_client.delete(f"{MATRIX}{role.pk}")
    assert response.status_code == 200
    assert response.json() == {}
    assert not Role.objects.filter(pk=role.pk).exists()
    assert admin_client.get(f"{MATRIX}{role.pk}").status_code == 404


# --- seed 000 --------------------------------------------------------------------------------------


def test_assign_change_and_revoke_by_role_name(admin_client, person):
    make_role("user", level=1, permissions=("accounts.view_user",))
    make_role("merchant", level=2, permissions=("accounts.change_user",))

    response = admin_client.post(
        "/api/v1/admin/roles/assign_role", {"user_id": person.pk, "role": "user"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["user_id"] == person.pk and response.json()["role"] == "user"
    assert response.json()["assigned_at"]
    assert fresh(person).has_perm("accounts.view_user")

    response = admin_client.post(
        "/api/v1/admin/roles/change_role", {"user_id": person.pk, "new_role": "merchant"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["previous_role"], body["new_role"]) == ("user", "merchant")
    assert body["previous_roles"] == ["user"] and body["changed_at"]
    person = fresh(person)
    assert person.has_perm("accounts.change_user") and not person.has_perm("accounts.view_user")

    response = admin_client.post(
        "/api/v1/admin/roles/revoke_role", {"user_id": person.pk, "role": "merchant"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "merchant" and response.json()["revoked_at"]
    assert not UserRole.objects.active().filter(user=person).exists()
    assert UserRole.objects.filter(user=person).count() == 2  # history kept
    assert set(
        AuditEvent.objects.filter(target_id=str(person.pk)).values_list("action", flat=True)
    ) == {"accounts.role_assigned", "accounts.role_revoked"}


def test_change_role_is_all_or_nothing(api_client, person):
    actor = UserFactory()
    give(actor, make_role("lead", level=3, permissions=("accounts.assign_role",), can_assign=True))
    make_role("basic", level=1)
    give(person, make_role("helper", level=2))

    act_as(api_client, actor)
    response = api_client.post(
        "/api/v1/admin/roles/change_role", {"user_id": person.pk, "new_role": "senior"}
    )
    assert response.status_code == 400  # no such role
    make_role("senior", level=5)
    response = api_client.post(
        "/api/v1/admin/roles/change_role", {"user_id": person.pk, "new_role": "senior"}
    )
    assert response.status_code == 403
    assert list(
        UserRole.objects.active().filter(user=person).values_list("role__name", flat=True)
    ) == ["helper"]
    response = api_client.post(
        "/api/v1/admin/roles/change_role", {"user_id": person.pk, "new_role": "basic"}
    )
    assert response.status_code == 200
    assert response.json()["previous_role"] == "helper"
