"""Seed 003's dashboard: real counts, scoped to the caller's organization tree."""

import pytest

from accounts.models import AccountStatus, Role, StaffType
from tests.billing.conftest import join
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_dashboard_counts_for_an_admin_who_sees_everything(api_client, super_admin, tree):
    join(UserFactory(user_type=StaffType.FIELD_STAFF), tree["north"])
    join(UserFactory(user_type=StaffType.FIELD_STAFF, status=AccountStatus.BLOCKED), tree["south"])
    installed = Role.objects.count()  # the roles every install starts with, all active
    Role.objects.create(name="noc", display_name="NOC", role_level=2)
    Role.objects.create(name="old", display_name="Old", role_level=1, is_active=False)
    api_client.force_authenticate(super_admin)
    stats = api_client.get("/api/v1/dashboard/stats/").json()["data"]
    assert stats["total_users"] == 3 and stats["active_users"] == 2
    assert stats["total_roles"] == installed + 2 and stats["active_roles"] == installed + 1
    assert stats["total_permissions"] > 0 and stats["custom_permissions"] == 0
    assert stats["user_types"]["field_staff"] == 2
    assert stats["user_types"]["super_admin"] == 1
    assert set(stats["user_types"]) >= {"billing_manager", "noc_manager", "support_staff"}


def test_a_reseller_admin_counts_only_their_tree(api_client, reseller_admin, tree):
    join(UserFactory(user_type=StaffType.FIELD_STAFF), tree["n1"])
    join(UserFactory(user_type=StaffType.FIELD_STAFF), tree["south"])
    api_client.force_authenticate(reseller_admin)
    stats = api_client.get("/api/v1/dashboard/stats").json()["data"]
    # Themselves and the field staff of their sub-reseller; not SouthNet's.
    assert stats["total_users"] == 2
    assert stats["user_types"]["field_staff"] == 1


def test_dashboard_is_refused_to_a_normal_user(api_client):
    api_client.force_authenticate(UserFactory())
    assert api_client.get("/api/v1/dashboard/stats/").status_code == 403
    api_client.force_authenticate(None)
    assert api_client.get("/api/v1/dashboard/stats/").status_code == 401
