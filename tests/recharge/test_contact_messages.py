"""Contact messages: public, checked and throttled per address; staff list and resolve them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from recharge.notifications.models import ContactMessage
from tests.factories import UserFactory
from tests.recharge.conftest import grant

pytestmark = pytest.mark.django_db

URL = "/api/v1/contact-from/contacts/"
MESSAGE = {"name": "User", "email": "User@Example.com", "description": "I need help"}


def resolved_url(contact_id: int) -> str:
    return f"/api/v1/contact-from/contacts/{contact_id}/resolved"


def test_anyone_may_send_a_message_as_seed_004(api_client):
    response = api_client.post(URL, MESSAGE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"name", "email", "description", "_id", "created_at", "resolved"}
    assert body == {
        **body,
        "name": "User",
        "email": "user@example.com",
        "description": "I need help",
        "resolved": False,
    }
    contact = ContactMessage.objects.get(pk=body["_id"])
    assert contact.ip == "127.0.0.1" and contact.user is None


def test_a_signed_in_sender_is_recorded(api_client, subscriber):
    api_client.force_authenticate(subscriber)
    response = api_client.post(URL.rstrip("/"), MESSAGE)
    assert response.status_code == 201
    assert ContactMessage.objects.get().user == subscriber


def test_a_stale_token_does_not_stop_a_public_message(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = api_client.post(URL, MESSAGE)
    assert response.status_code == 201, response.content
    assert ContactMessage.objects.get().user is None
    # The staff list still refuses the same caller.
    assert api_client.get(URL).status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"name": ""}, "name"),
        ({"name": "n" * 101}, "name"),
        ({"description": ""}, "description"),
        ({"description": "x" * 2001}, "description"),
    ],
)
def test_length_and_email_are_checked(api_client, change, field):
    response = api_client.post(URL, {**MESSAGE, **change})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ContactMessage.objects.exists()


def test_submissions_are_throttled_per_address(api_client, settings):
    settings.CONTACT_MESSAGES_PER_IP_PER_HOUR = 3
    for _ in range(3):
        assert api_client.post(URL, MESSAGE).status_code == 201
    refused = api_client.post(URL, MESSAGE)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["status"] == 429
    assert ContactMessage.objects.count() == 3
    # Another address is not held back.
    assert api_client.post(URL, MESSAGE, REMOTE_ADDR="10.0.0.9").status_code == 201
    assert ContactMessage.objects.count() == 4


@pytest.fixture
def messages():
    now = timezone.now()
    rows = {
        "old": ContactMessage.objects.create(
            name="Ravi", email="ravi@example.com", description="Refund please"
        ),
        "new": ContactMessage.objects.create(
            name="Meera", email="meera@example.com", description="Plan question"
        ),
        "done": ContactMessage.objects.create(
            name="Arun",
            email="arun@example.com",
            description="Thanks",
            resolved=True,
            resolved_at=now,
        ),
    }
    ContactMessage.objects.filter(pk=rows["old"].pk).update(created_at=now - timedelta(days=10))
    return rows


def test_staff_list_with_filters(api_client, staff, messages, django_assert_max_num_queries):
    api_client.force_authenticate(staff)
    with django_assert_max_num_queries(4):
        response = api_client.get(URL)
    assert response.status_code == 200
    assert len(response.json()) == 3

    def ids(params) -> set[int]:
        return {int(item["_id"]) for item in api_client.get(URL, params).json()}

    assert ids({"resolved": "false"}) == {messages["old"].pk, messages["new"].pk}
    assert ids({"resolved": "true"}) == {messages["done"].pk}
    today = timezone.now().date()
    assert ids({"date": today.isoformat()}) == {messages["new"].pk, messages["done"].pk}
    assert ids({"date_to": (today - timedelta(days=5)).isoformat()}) == {messages["old"].pk}
    assert ids({"search": "refund"}) == {messages["old"].pk}
    assert ids({"search": "meera@"}) == {messages["new"].pk}


def test_mark_resolved_records_who_and_when(api_client, messages):
    resolver = grant(UserFactory(is_staff=True), "change_contactmessage")
    api_client.force_authenticate(resolver)
    contact = messages["new"]
    response = api_client.patch(resolved_url(contact.pk), {"resolved": True})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["resolved"] is True and body["resolved_by"] == resolver.pk
    contact.refresh_from_db()
    assert contact.resolved_by == resolver
    assert timezone.now() - contact.resolved_at < timedelta(minutes=1)
    event = AuditEvent.objects.get(action="recharge.contact_resolved")
    assert event.actor_id == resolver.pk and event.target_id == str(contact.pk)
    # Again: nothing to do.
    assert api_client.patch(resolved_url(contact.pk), {"resolved": True}).status_code == 409
    # Opened again: who and when are cleared, and that is audited too.
    reopened = api_client.patch(f"{resolved_url(contact.pk)}/", {"resolved": False})
    assert reopened.status_code == 200
    contact.refresh_from_db()
    assert (contact.resolved, contact.resolved_by, contact.resolved_at) == (False, None, None)
    assert AuditEvent.objects.filter(action="recharge.contact_reopened").count() == 1
    assert api_client.patch(resolved_url(999999), {"resolved": True}).status_code == 404


def test_a_normal_user_gets_403_and_anonymous_401(api_client, subscriber, messages):
    api_client.force_authenticate(subscriber)
    assert api_client.get(URL).status_code == 403
    assert api_client.patch(resolved_url(messages["new"].pk), {"resolved": True}).status_code == 403
    api_client.force_authenticate(None)
    assert api_client.get(URL).status_code == 401
    assert api_client.patch(resolved_url(messages["new"].pk), {"resolved": True}).status_code == 401
    messages["new"].refresh_from_db()
    assert messages["new"].resolved is False


def test_viewing_does_not_allow_resolving(api_client, messages):
    viewer = grant(UserFactory(is_staff=True), "view_contactmessage")
    api_client.force_authenticate(viewer)
    assert api_client.get(URL).status_code == 200
    assert api_client.patch(resolved_url(messages["new"].pk), {"resolved": True}).status_code == 403
