"""The admin pages of announcements, notifications, content and contact messages."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import AuditEvent
from recharge.notifications.models import (
    Announcement,
    ContactMessage,
    Content,
    Notification,
    SystemEvent,
    SystemNotice,
)
from recharge.notifications.services.announcements import (
    announcement_create,
    announcement_deliver,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [Announcement, Notification, SystemNotice, Content, ContactMessage]


@pytest.fixture
def rows(staff, subscriber):
    announcement_deliver(
        announcement_id=announcement_create(
            actor=staff, description="Hello", recipient_type="all_users"
        ).pk
    )
    notice = Notification.objects.create(
        user=subscriber, event=SystemEvent.LOW_BALANCE, description="Low"
    )
    SystemNotice.objects.create(
        user=subscriber, event=SystemEvent.LOW_BALANCE, object_id=1, notification=notice
    )
    Content.objects.create(content_type="FAQ", title="Help")
    return ContactMessage.objects.create(name="A", email="a@example.com", description="Help me")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_pages_load_and_are_read_only(client, staff, rows, model):
    client.force_login(staff)
    name = model._meta.model_name
    assert client.get(reverse(f"admin:recharge_{name}_changelist"), {"q": "a"}).status_code == 200
    first = model.objects.first()
    assert client.get(reverse(f"admin:recharge_{name}_change", args=[first.pk])).status_code == 200
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_delete_permission(None)


def test_resolving_from_the_admin_goes_through_the_service(client, staff, rows):
    client.force_login(staff)
    url = reverse("admin:recharge_contactmessage_changelist")
    response = client.post(
        url, {"action": "mark_resolved", "_selected_action": [rows.pk]}, follow=True
    )
    assert response.status_code == 200
    rows.refresh_from_db()
    assert rows.resolved and rows.resolved_by == staff
    assert AuditEvent.objects.filter(action="recharge.contact_resolved").exists()


def test_the_resolve_action_needs_the_change_permission(client, rows):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_contactmessage"))
    client.force_login(viewer)
    url = reverse("admin:recharge_contactmessage_changelist")
    client.post(url, {"action": "mark_resolved", "_selected_action": [rows.pk]}, follow=True)
    rows.refresh_from_db()
    assert not rows.resolved
