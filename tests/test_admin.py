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
