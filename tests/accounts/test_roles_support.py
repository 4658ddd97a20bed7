"""Fixtures and helpers shared by the role tests.

A test module uses the fixtures by importing them (`role_admin_fixture` provides `role_admin`).
"""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import Role, User, UserRole
from tests.factories import UserFactory

ADMIN_PERMISSIONS = (
    "accounts.view_role",
    "accounts.add_role",
    "accounts.change_role",
    "accounts.delete_role",
    "accounts.assign_role",
    "accounts.view_userrole",
    "accounts.view_permissioncategory",
    "accounts.add_permissioncategory",
    "accounts.view_custompermission",
    "accounts.add_custompermission",
    "accounts.view_user",
    "accounts.change_user",
    "auth.view_permission",
    "auth.view_group",
    "auth.add_group",
    "auth.change_group",
    "auth.delete_group",
)


def perms(*names: str) -> list[Permission]:
    """Permission rows for "app_label.codename" names (every name must exist)."""
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def make_role(
    name: str,
    *,
    level: int = 1,
    permissions: tuple[str, ...] = (),
    can_assign: bool = False,
    max_assignments: int | None = None,
) -> Role:
    # A role of that name the install created is replaced, so the test sets its terms.
    Role.objects.filter(name=name).delete()
    role = Role.objects.create(
        name=name,
        display_name=name.replace("_", " ").title(),
        role_level=level,
        can_assign_roles=can_assign,
        max_assignments=max_assignments,
    )
    role.permissions.set(perms(*permissions))
    return role


def give(user: User, role: Role) -> UserRole:
    return UserRole.objects.create(user=user, role=role)


def fresh(user: User) -> User:
    """The user read again: permissions are cached on an instance."""
    return User.objects.get(pk=user.pk)


def act_as(client, user: User):
    client.force_authenticate(fresh(user))
    return client


@pytest.fixture(name="role_admin")
def role_admin_fixture() -> User:
    """Staff whose level-50 assigning role carries every permission these endpoints need."""
    user = UserFactory(username="roleadmin", is_staff=True, user_type="admin")
    give(user, make_role("access_admin", level=50, permissions=ADMIN_PERMISSIONS, can_assign=True))
    return fresh(user)


@pytest.fixture(name="admin_client")
def admin_client_fixture(api_client, role_admin):
    return act_as(api_client, role_admin)


@pytest.fixture(name="person")
def person_fixture() -> User:
    return UserFactory(username="person01")
