"""Seed 003's roles: create, list, change, delete, assign, bulk assign, and the assignment log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role, UserRole
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

ROLES = "/api/v1/roles/"
ASSIGN = "/api/v1/roles/assign/"
BULK = "/api/v1/roles/bulk-assign/"
USER_ROLES = "/api/v1/user-roles/"


def _assign(client, user, role, **extra):
    return client.post(ASSIGN, {"user_id": user.pk, "role_id": role.pk, **extra})


def test_create_role_with_permissions_and_audit(admin_client, role_admin):
    view_user, change_user = perms("accounts.view_user", "accounts.change_user")
    Role.objects.filter(name="billing_manager").delete()  # the installed one: the seed's body
    response = admin_client.post(
        ROLES,
        {
            "name": "billing_manager",
            "display_name": "Billing Manager",
            "description": "Manages billing operations",
            "role_level": 3,
            "can_assign_roles": False,
            "max_assignments": 10,
            "permission_ids": [view_user.pk, change_user.pk],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()["data"]
    role = Role.objects.get(name="billing_manager")
    assert body["id"] == role.pk
    assert (body["role_level"], body["max_assignments"], body["active_assignments"]) == (3, 10, 0)
    assert body["created_by"] == role_admin.pk
    assert {p["codename"] for p in body["permissions"]} == {
        "accounts.view_user",
        "accounts.change_user",
    }
    assert set(role.permissions.all()) == {view_user, change_user}
    event = AuditEvent.objects.get(action="accounts.role_created")
    assert event.target_id == str(role.pk)
    assert event.actor_id == role_admin.pk
    assert event.after["permissions"] == ["accounts.change_user", "accounts.view_user"]


def test_list_filters_search_and_ordering(admin_client):
    Role.objects.filter(assignments__isnull=True).delete()  # the seeds' roles of a fresh install
    make_role("billing_manager", level=3)
    make_role("field_agent", level=5)
    retired = make_role("retired_role", level=3)
    retired.is_active = False
    retired.save()

    def names(query: str) -> list[str]:
        response = admin_client.get(ROLES + query)
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["data"]["results"]]

    assert names("?is_active=false") == ["retired_role"]
    assert names("?role_level=3&ordering=name") == ["billing_manager", "retired_role"]
    assert names("?search=field") == ["field_agent"]
    assert names("?role_level_max=5&ordering=-role_level,name")[:1] == ["field_agent"]
    page = admin_client.get(ROLES + "?page_size=1").json()["data"]
    assert page["count"] == 4 and len(page["results"]) == 1 and page["next"]


def test_get_and_patch_role(admin_client):
    role = make_role("support", level=2, permissions=("accounts.view_user",))
    (change_user,) = perms("accounts.change_user")

    assert admin_client.get(f"{ROLES}{role.pk}/").json()["data"]["name"] == "support"
    response = admin_client.patch(
        f"{ROLES}{role.pk}", {"display_name": "Support Desk", "permission_ids": [change_user.pk]}
    )

    assert response.status_code == 200, response.content
    role.refresh_from_db()
    assert role.display_name == "Support Desk" and role.role_level == 2
    assert list(role.permissions.all()) == [change_user]
    event = AuditEvent.objects.get(action="accounts.role_updated")
    assert event.before["permissions"] == ["accounts.view_user"]
    assert event.after["display_name"] == "Support Desk"


def test_mass_assignment_leaves_rows_unchanged(admin_client, role_admin):
    other = UserFactory()
    response = admin_client.post(
        ROLES,
        {
            "id": 9999,
            "name": "auditor",
            "display_name": "Auditor",
            "created_by": other.pk,
            "created_at": "2001-01-01T00:00:00Z",
            "assignments": [{"user": other.pk}],
            "active_assignments": 7,
        },
    )
    assert response.status_code == 201, response.content
    role = Role.objects.get(name="auditor")
    assert role.pk != 9999
    assert role.created_by_id == role_admin.pk
    assert role.created_at.year != 2001
    assert not UserRole.objects.filter(role=role).exists()

    response = admin_client.patch(
        f"{ROLES}{role.pk}/",
        {"id": 4242, "created_by": other.pk, "assignments": [{"user": other.pk}]},
    )
    assert response.status_code == 200
    assert Role.objects.filter(pk=role.pk, created_by=role_admin).exists()
    assert not Role.objects.filter(pk=4242).exists()
    assert not UserRole.objects.filter(role=role).exists()


def test_creating_a_role_with_permissions_one_does_not_hold_is_refused(admin_client):
    (delete_user,) = perms("accounts.delete_user")  # not among the admin's permissions
    response = admin_client.post(
        ROLES, {"name": "deleter", "display_name": "Deleter", "permission_ids": [delete_user.pk]}
    )
    assert response.status_code == 403
    assert not Role.objects.filter(name="deleter").exists()


def test_creating_a_role_above_ones_level_is_refused(admin_client):
    response = admin_client.post(
        ROLES, {"name": "overlord", "display_name": "Overlord", "role_level": 51}
    )
    assert response.status_code == 403
    assert not Role.objects.filter(name="overlord").exists()


def test_invalid_level_is_a_400(admin_client):
    response = admin_client.post(ROLES, {"name": "x", "display_name": "X", "role_level": 101})
    assert response.status_code == 400
    assert "role_level" in response.json()["error"]


def test_delete_role(admin_client, person, role_admin):
    unused = make_role("unused")
    held = make_role("held")
    give(person, held)
    historic = make_role("historic")
    UserRole.objects.create(user=person, role=historic, revoked_at=timezone.now())

    assert admin_client.delete(f"{ROLES}{unused.pk}/").status_code == 200
    assert not Role.objects.filter(pk=unused.pk).exists()
    assert admin_client.delete(f"{ROLES}{held.pk}/").status_code == 409
    assert Role.objects.get(pk=held.pk).is_active
    assert admin_client.delete(f"{ROLES}{historic.pk}").status_code == 200
    assert Role.objects.get(pk=historic.pk).is_active is False
    assert AuditEvent.objects.filter(action="accounts.role_deleted").count() == 1
    assert AuditEvent.objects.filter(action="accounts.role_deactivated").count() == 1


def test_assign_then_revoke_keeps_history(admin_client, person, role_admin):
    role = make_role("viewer", level=5, permissions=("accounts.view_user",))

    response = _assign(admin_client, person, role, reason="Promotion")
    assert response.status_code == 201, response.content
    assert response.json()["data"]["assigned_by_id"] == role_admin.pk
    assert response.json()["data"]["is_active"] is True
    assert fresh(person).has_perm("accounts.view_user")
    assert AuditEvent.objects.get(action="accounts.role_assigned").target_id == str(person.pk)

    response = _assign(admin_client, person, role, action="revoke", reason="Left the team")
    assert response.status_code == 200, response.content
    assert (
        response.json()["data"]["revoked_at"]
        and response.json()["data"]["revoke_reason"] == "Left the team"
    )
    assert not fresh(person).has_perm("accounts.view_user")
    assert _assign(admin_client, person, role).status_code == 201

    rows = admin_client.get(f"{USER_ROLES}?user={person.pk}").json()["data"]["results"]
    assert [r["is_active"] for r in rows] == [True, False]
    history = admin_client.get(f"{USER_ROLES}?user={person.pk}&active=false").json()["data"][
        "results"
    ]
    assert [(r["role_name"], r["revoke_reason"]) for r in history] == [("viewer", "Left the team")]
    assert admin_client.get(f"{USER_ROLES}?role={role.pk}&active=true").json()["data"]["count"] == 1


def test_revoking_a_role_not_held_is_a_conflict(admin_client, person):
    role = make_role("viewer", level=5)
    assert _assign(admin_client, person, role, action="revoke").status_code == 409


def test_assignment_expiry_stops_granting_at_once(admin_client, person):
    role = make_role("temporary", level=5, permissions=("accounts.view_user",))
    expires = timezone.now() + timedelta(days=1)

    response = _assign(admin_client, person, role, expires_at=expires.isoformat())
    assert response.status_code == 201, response.content
    assert fresh(person).has_perm("accounts.view_user")

    UserRole.objects.filter(user=person, role=role).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert not fresh(person).has_perm("accounts.view_user")
    rows = admin_client.get(f"{USER_ROLES}?user={person.pk}&active=false").json()["data"]["results"]
    assert [r["role_name"] for r in rows] == ["temporary"]
    # The lapsed assignment is closed, so the role can be granted again.
    assert _assign(admin_client, person, role).status_code == 201
    assert fresh(person).has_perm("accounts.view_user")


def test_expiry_in_the_past_is_a_400(admin_client, person):
    role = make_role("temporary", level=5)
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    response = _assign(admin_client, person, role, expires_at=past)
    assert response.status_code == 400
    assert "expires_at" in response.json()["error"]


def test_level_refusal(api_client, person):
    actor = UserFactory()
    give(
        actor,
        make_role("team_lead", level=3, permissions=("accounts.assign_role",), can_assign=True),
    )
    senior = make_role("senior", level=5, permissions=("accounts.view_user",))
    junior = make_role("junior", level=3)

    act_as(api_client, actor)
    assert _assign(api_client, person, senior).status_code == 403
    assert not UserRole.objects.filter(role=senior).exists()
    assert _assign(api_client, person, junior).status_code == 201


def test_cap_refusal(admin_client, person):
    role = make_role("owner", level=5, max_assignments=1)
    assert _assign(admin_client, person, role).status_code == 201

    response = _assign(admin_client, UserFactory(), role)
    assert response.status_code == 409
    assert UserRole.objects.filter(role=role).count() == 1


def test_a_role_that_cannot_assign_grants_no_assigning(api_client, person):
    actor = UserFactory()
    give(actor, make_role("manager", level=10, permissions=("accounts.assign_role",)))
    role = make_role("helper", level=1)

    act_as(api_client, actor)
    assert _assign(api_client, person, role).status_code == 403
    assert not UserRole.objects.filter(role=role).exists()


def test_nobody_assigns_a_role_to_themselves(admin_client, role_admin):
    role = make_role("helper", level=1, permissions=("accounts.delete_user",))
    assert _assign(admin_client, role_admin, role).status_code == 403
    assert not fresh(role_admin).has_perm("accounts.delete_user")


def test_bulk_assign_is_all_or_nothing(admin_client):
    role = make_role("agent", level=5, max_assignments=2)
    people = [UserFactory() for _ in range(3)]
    ids = [p.pk for p in people]

    response = admin_client.post(BULK, {"user_ids": ids, "role_id": role.pk, "reason": "Rollout"})
    assert response.status_code == 409
    assert not UserRole.objects.filter(role=role).exists()

    response = admin_client.post(BULK, {"user_ids": ids[:2], "role_id": role.pk})
    assert response.status_code == 200, response.content
    body = response.json()["data"]
    assert (body["action"], body["count"]) == ("assign", 2)
    assert {a["user_id"] for a in body["assignments"]} == set(ids[:2])

    response = admin_client.post(
        BULK, {"user_ids": ids[:2], "role_id": role.pk, "action": "revoke"}
    )
    assert response.status_code == 200
    assert not UserRole.objects.active().filter(role=role).exists()
    assert UserRole.objects.filter(role=role, revoked_at__isnull=False).count() == 2


def test_bulk_assign_with_unknown_user_is_a_400(admin_client, person):
    role = make_role("agent", level=5)
    response = admin_client.post(BULK, {"user_ids": [person.pk, 987654], "role_id": role.pk})
    assert response.status_code == 400
    assert "user_ids" in response.json()["error"]
    assert not UserRole.objects.filter(role=role).exists()


def test_roles_through_a_real_bearer_token(api_client, role_admin, password_sign_in):
    tokens = password_sign_in(role_admin.username)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")

    response = api_client.get(ROLES)
    assert response.status_code == 200
    assert "access_admin" in [r["name"] for r in response.json()["data"]["results"]]
