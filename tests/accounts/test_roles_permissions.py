"""Seed 003's permissions, permission categories, custom permissions and groups."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import CustomPermission, PermissionCategory
from audit.models import AuditEvent
from tests.accounts.test_roles_support import (  # noqa: F401 (fixtures)
    admin_client_fixture,
    fresh,
    perms,
    person_fixture,
    role_admin_fixture,
)

pytestmark = pytest.mark.django_db

GROUPS = "/api/v1/groups/"


def test_permissions_list_names_and_categories(admin_client, role_admin):
    category = PermissionCategory.objects.create(name="refunds", display_name="Refunds")
    admin_client.post(
        "/api/v1/custom-permissions/",
        {"codename": "approve_refund", "name": "Can approve refunds", "category_id": category.pk},
    )

    response = admin_client.get("/api/v1/permissions/?app_label=accounts&page_size=100")
    assert response.status_code == 200, response.content
    rows = {row["codename"]: row for row in response.json()["data"]["results"]}
    assert rows["accounts.view_role"]["category"] == "accounts"
    assert rows["accounts.view_role"]["id"] == perms("accounts.view_role")[0].pk
    assert rows["accounts.approve_refund"]["category"] == "refunds"
    assert all(code.startswith("accounts.") for code in rows)
    found = admin_client.get("/api/v1/permissions/?category=refunds").json()["data"]["results"]
    assert [row["codename"] for row in found] == ["accounts.approve_refund"]
    found = admin_client.get("/api/v1/permissions/?search=approve+refund").json()["data"]["results"]
    assert [row["name"] for row in found] == ["Can approve refunds"]


def test_permission_categories(admin_client):
    response = admin_client.post(
        "/api/v1/permission-categories/",
        {"name": "billing", "display_name": "Billing", "description": "Money matters"},
    )
    assert response.status_code == 201, response.content
    category = PermissionCategory.objects.get(name="billing")
    assert response.json()["data"]["id"] == category.pk
    assert AuditEvent.objects.filter(
        action="accounts.permission_category_created", target_id=str(category.pk)
    ).exists()
    assert (
        admin_client.post("/api/v1/permission-categories/", {"name": "billing"}).status_code == 400
    )

    rows = admin_client.get("/api/v1/permission-categories/").json()["data"]["results"]
    assert [(r["name"], r["display_name"]) for r in rows] == [("billing", "Billing")]


def test_custom_permissions_are_real_permissions(admin_client, person):
    category = PermissionCategory.objects.create(name="billing", display_name="Billing")
    response = admin_client.post(
        "/api/v1/custom-permissions/",
        {
            "codename": "approve_refund",
            "name": "Can approve refunds",
            "category_id": category.pk,
            "description": "Refunds above the limit",
            "created_by": person.pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()["data"]
    assert (body["codename"], body["category"]) == ("accounts.approve_refund", "billing")
    custom = CustomPermission.objects.get(pk=body["id"])
    assert custom.created_by_id != person.pk

    person.user_permissions.add(custom.permission)
    assert fresh(person).has_perm("accounts.approve_refund")
    duplicate = {"codename": "approve_refund", "name": "Again"}
    assert admin_client.post("/api/v1/custom-permissions/", duplicate).status_code == 400
    bad = {"codename": "Bad Code!", "name": "Bad"}
    assert admin_client.post("/api/v1/custom-permissions/", bad).status_code == 400

    rows = admin_client.get(f"/api/v1/custom-permissions/?category={category.pk}").json()["data"]
    assert [r["codename"] for r in rows["results"]] == ["accounts.approve_refund"]


def test_group_lifecycle(admin_client, person):
    view_user, change_user = perms("accounts.view_user", "accounts.change_user")

    response = admin_client.post(GROUPS, {"name": "Billing Team", "permission_ids": [view_user.pk]})
    assert response.status_code == 201, response.content
    group = Group.objects.get(name="Billing Team")
    assert [p["codename"] for p in response.json()["data"]["permissions"]] == ["accounts.view_user"]
    person.groups.add(group)
    assert fresh(person).has_perm("accounts.view_user")

    detail = admin_client.get(f"{GROUPS}{group.pk}/").json()["data"]
    assert (detail["name"], detail["member_count"]) == ("Billing Team", 1)
    assert [g["name"] for g in admin_client.get(GROUPS).json()["data"]["results"]] == [
        "Billing Team"
    ]

    response = admin_client.put(
        f"{GROUPS}{group.pk}", {"name": "Billing", "permission_ids": [change_user.pk]}
    )
    assert response.status_code == 200, response.content
    person = fresh(person)
    assert person.has_perm("accounts.change_user") and not person.has_perm("accounts.view_user")

    response = admin_client.patch(f"{GROUPS}{group.pk}/", {"name": "Billing Desk"})
    assert response.status_code == 200
    group.refresh_from_db()
    assert group.name == "Billing Desk" and list(group.permissions.all()) == [change_user]
    assert AuditEvent.objects.filter(action="accounts.group_saved").count() == 3

    assert admin_client.delete(f"{GROUPS}{group.pk}/").status_code == 200
    assert not Group.objects.filter(pk=group.pk).exists()
    assert not fresh(person).has_perm("accounts.change_user")
    assert AuditEvent.objects.filter(action="accounts.group_deleted").exists()


def test_group_with_a_permission_one_does_not_hold_is_refused(admin_client):
    (delete_user,) = perms("accounts.delete_user")
    response = admin_client.post(GROUPS, {"name": "Deleters", "permission_ids": [delete_user.pk]})
    assert response.status_code == 403
    assert not Group.objects.filter(name="Deleters").exists()


def test_group_names_are_unique(admin_client):
    Group.objects.create(name="Billing Team")
    response = admin_client.post(GROUPS, {"name": "billing team"})
    assert response.status_code == 400
    assert "name" in response.json()["error"]
