"""Who may reach the role, permission and group routes, and what the lists cost."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import CustomPermission, PermissionCategory, UserRole
from tests.accounts.test_roles_support import act_as, fresh, give, make_role, perms
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROUTES = [
    ("post", "/api/v1/roles/"),
    ("get", "/api/v1/roles/"),
    ("get", "/api/v1/roles/1/"),
    ("patch", "/api/v1/roles/1/"),
    ("delete", "/api/v1/roles/1/"),
    ("post", "/api/v1/roles/assign/"),
    ("post", "/api/v1/roles/bulk-assign/"),
    ("get", "/api/v1/user-roles/"),
    ("get", "/api/v1/permissions/"),
    ("post", "/api/v1/permission-categories/"),
    ("get", "/api/v1/permission-categories/"),
    ("post", "/api/v1/custom-permissions/"),
    ("get", "/api/v1/custom-permissions/"),
    ("post", "/api/v1/groups/"),
    ("get", "/api/v1/groups/"),
    ("get", "/api/v1/groups/1/"),
    ("put", "/api/v1/groups/1/"),
    ("patch", "/api/v1/groups/1/"),
    ("delete", "/api/v1/groups/1/"),
    ("get", "/api/v1/role/"),
    ("post", "/api/v1/role/"),
    ("get", "/api/v1/role/1"),
    ("put", "/api/v1/role/1"),
    ("delete", "/api/v1/role/1"),
    ("get", "/api/v1/role/permissions/all"),
    ("post", "/api/v1/admin/roles/change_role"),
    ("post", "/api/v1/admin/roles/assign_role"),
    ("post", "/api/v1/admin/roles/revoke_role"),
]


@pytest.fixture
def targets():
    """Rows at id 1-ish so detail routes would find something if the check let them through."""
    role = make_role("target")
    group = Group.objects.create(name="target")
    return role, group


def _call(client, method: str, path: str, role, group):
    path = path.replace("roles/1/", f"roles/{role.pk}/").replace("role/1", f"role/{role.pk}")
    path = path.replace("groups/1/", f"groups/{group.pk}/")
    return getattr(client, method)(path, {})


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_normal_user_is_refused_everywhere(api_client, targets, method, path):
    member = UserFactory()
    act_as(api_client, member)
    response = _call(api_client, method, path, *targets)
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_is_refused_everywhere(api_client, targets, method, path):
    response = _call(api_client, method, path, *targets)
    assert response.status_code == 401


def test_staff_flag_alone_grants_nothing(api_client):
    act_as(api_client, UserFactory(is_staff=True, user_type="admin"))
    assert api_client.get("/api/v1/roles/").status_code == 403


def test_viewing_roles_does_not_allow_changing_them(api_client, targets):
    role, _ = targets
    viewer = UserFactory()
    viewer.user_permissions.add(*perms("accounts.view_role"))
    act_as(api_client, viewer)
    assert api_client.get("/api/v1/roles/").status_code == 200
    assert api_client.get(f"/api/v1/role/{role.pk}").status_code == 200
    assert api_client.patch(f"/api/v1/roles/{role.pk}/", {"display_name": "X"}).status_code == 403
    assert api_client.put(f"/api/v1/role/{role.pk}", {"role_name": "X"}).status_code == 403
    assert api_client.post("/api/v1/roles/assign/", {}).status_code == 403


def test_a_role_grants_access_only_while_it_lasts(api_client):
    reader = UserFactory()
    assignment = give(reader, make_role("reader", permissions=("accounts.view_role",)))
    act_as(api_client, reader)
    assert api_client.get("/api/v1/roles/").status_code == 200

    UserRole.objects.filter(pk=assignment.pk).update(expires_at=timezone.now())
    act_as(api_client, reader)
    assert api_client.get("/api/v1/roles/").status_code == 403


def test_direct_group_and_role_permissions_load_in_one_query():
    holder = UserFactory(is_staff=True)
    direct, grouped, by_role, expired = Permission.objects.order_by("pk")[:4]
    holder.user_permissions.add(direct)
    group = Group.objects.create(name="readers")
    group.permissions.add(grouped)
    holder.groups.add(group)
    give(holder, make_role("role_live")).role.permissions.add(by_role)
    gone = give(holder, make_role("role_gone"))
    gone.role.permissions.add(expired)
    UserRole.objects.filter(pk=gone.pk).update(expires_at=timezone.now())

    names = [f"{p.content_type.app_label}.{p.codename}" for p in (direct, grouped, by_role)]
    fresh_holder = fresh(holder)
    with CaptureQueriesContext(connection) as queries:
        granted = fresh_holder.get_all_permissions()
        assert all(fresh_holder.has_perm(name) for name in names)
    assert len(queries.captured_queries) == 1
    assert granted == set(names)


# --- query counts ----------------------------------------------------------------------------------

LISTS = [
    "/api/v1/roles/",
    "/api/v1/role/",
    "/api/v1/user-roles/",
    "/api/v1/permissions/",
    "/api/v1/role/permissions/all",
    "/api/v1/permission-categories/",
    "/api/v1/custom-permissions/",
    "/api/v1/groups/",
]


@pytest.fixture
def many_rows():
    some = list(Permission.objects.order_by("pk")[:6])
    assigner = UserFactory()
    for n in range(4):
        role = make_role(f"role_{n}", level=n + 1)
        role.permissions.set(some)
        group = Group.objects.create(name=f"group {n}")
        group.permissions.set(some)
        category = PermissionCategory.objects.create(name=f"cat_{n}", display_name=f"Cat {n}")
        permission = Permission.objects.create(
            codename=f"custom_{n}", name=f"Custom {n}", content_type=some[0].content_type
        )
        CustomPermission.objects.create(permission=permission, category=category)
        for _ in range(2):
            member = UserFactory()
            member.groups.add(group)
            UserRole.objects.create(user=member, role=role, assigned_by=assigner)


def _results(response) -> list:
    body = response.json()
    if isinstance(body, dict) and body.get("success") is True:
        body = body["data"]  # seed 003's envelope
    return body["results"] if isinstance(body, dict) else body


@pytest.mark.parametrize("url", LISTS)
def test_lists_cost_the_same_whatever_the_page_size(
    api_client, many_rows, django_assert_max_num_queries, url
):
    admin = UserFactory(is_superuser=True, is_staff=True)
    act_as(api_client, admin)
    with CaptureQueriesContext(connection) as small:
        # page_size for DRF's pages, limit for seed 004's bare arrays.
        response = api_client.get(url, {"page_size": 1, "limit": 1})
    assert response.status_code == 200, response.content
    assert len(_results(response)) == 1

    act_as(api_client, admin)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = api_client.get(url, {"page_size": 50, "limit": 50})
    assert response.status_code == 200
    assert len(_results(response)) >= 4
