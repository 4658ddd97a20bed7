"""Every model registered in the admin has a working list page and detail page."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import AccountStatus, StaffType, User
from audit.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def staff_client(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_and_detail_pages_load(staff_client, model):
    audit_record(action="test.seeded", description="so the trail has a row")
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert staff_client.get(url).status_code == 200
    assert staff_client.get(url, {"q": "x"}).status_code == 200
    first = model._default_manager.first()
    if first is not None:
        detail = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
        assert staff_client.get(detail).status_code == 200


def test_admin_approves_accounts_waiting_for_approval(staff_client):
    pending = UserFactory(status=AccountStatus.PENDING_APPROVAL, user_type=StaffType.CALLING_AGENT)
    url = reverse("admin:accounts_user_changelist")
    response = staff_client.post(
        url, {"action": "approve_accounts", "_selected_action": [pending.pk]}, follow=True
    )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == AccountStatus.ACTIVE
    assert User.objects.get(pk=pending.pk).approved_by is not None


def test_admin_assigns_roles_through_the_service(staff_client):
    from accounts.models import Role, UserRole
    from audit.models import AuditEvent

    role = Role.objects.create(name="noc", display_name="NOC", role_level=2, max_assignments=1)
    first, second = UserFactory(), UserFactory()
    url = reverse("admin:accounts_userrole_add")
    staff_client.post(url, {"user": first.pk, "role": role.pk, "reason": "shift lead"}, follow=True)
    assert UserRole.objects.active().filter(user=first, role=role).exists()
    assert AuditEvent.objects.filter(
        action="accounts.role_assigned", target_id=str(first.pk)
    ).exists()
    # The cap holds in the admin too.
    staff_client.post(url, {"user": second.pk, "role": role.pk}, follow=True)
    assert not UserRole.objects.filter(user=second).exists()


def test_admin_blocks_and_unblocks(staff_client):
    target = UserFactory()
    url = reverse("admin:accounts_user_changelist")
    staff_client.post(
        url, {"action": "block_accounts", "_selected_action": [target.pk]}, follow=True
    )
    target.refresh_from_db()
    assert target.status == AccountStatus.BLOCKED
    staff_client.post(
        url, {"action": "unblock_accounts", "_selected_action": [target.pk]}, follow=True
    )
    target.refresh_from_db()
    assert target.status == AccountStatus.ACTIVE
