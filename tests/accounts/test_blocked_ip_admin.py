"""Staff list address blocks in the admin and lift them through the service."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.models import BlockedIP
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:accounts_blockedip_changelist")


def block(ip: str, *, reason: str = "credential stuffing", hours: float = 1) -> BlockedIP:
    return BlockedIP.objects.create(
        ip=ip, reason=reason, blocked_until=timezone.now() + timedelta(hours=hours)
    )


@pytest.fixture
def admin_site(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def listed(response) -> set[str]:
    return {row.ip for row in response.context["cl"].result_list}


def test_blocks_are_searched_by_address_and_filtered(admin_site):
    block("203.0.113.1")
    block("203.0.113.2", reason="one-time code abuse")
    block("198.51.100.7", hours=-1)

    assert listed(admin_site.get(URL, {"q": "203.0.113"})) == {"203.0.113.1", "203.0.113.2"}
    assert listed(admin_site.get(URL, {"state": "active"})) == {"203.0.113.1", "203.0.113.2"}
    assert listed(admin_site.get(URL, {"state": "expired"})) == {"198.51.100.7"}
    assert listed(admin_site.get(URL, {"reason": "one-time code abuse"})) == {"203.0.113.2"}


def test_the_unblock_action_lifts_the_block_and_audits_it(admin_site, api_client):
    UserFactory(username="member09")
    lifted, kept = block("203.0.113.9"), block("203.0.113.10")
    refused = api_client.post(
        "/api/v1/auth/login",
        {"username": "member09", "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert refused.status_code == 403

    response = admin_site.post(
        URL, {"action": "unblock", "_selected_action": [lifted.pk]}, follow=True
    )

    assert response.status_code == 200
    assert "1 address block(s) lifted" in response.content.decode()
    lifted.refresh_from_db()
    kept.refresh_from_db()
    assert lifted.blocked_until <= timezone.now() < kept.blocked_until
    event = AuditEvent.objects.get(action="accounts.ip_block_lifted")
    assert event.target_id == str(lifted.pk) and event.actor_id is not None
    assert event.after["ip"] == "203.0.113.9"
    signed_in = api_client.post(
        "/api/v1/auth/login",
        {"username": "member09", "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert signed_in.status_code == 200


def test_staff_who_may_only_view_blocks_cannot_lift_them(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_blockedip"))
    client.force_login(viewer)
    standing = block("203.0.113.20")

    assert client.get(URL).status_code == 200
    client.post(URL, {"action": "unblock", "_selected_action": [standing.pk]})

    standing.refresh_from_db()
    assert standing.blocked_until > timezone.now()
    assert not AuditEvent.objects.filter(action="accounts.ip_block_lifted").exists()
