"""Each user's in-app notifications: their own only, read state, unread count, deletion."""

import pytest

from accounts.models import SubscriberType
from recharge.notifications.models import Notification, SystemEvent, SystemNotice
from recharge.notifications.services.announcements import (
    announcement_create,
    announcement_deliver,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MY = "/api/v1/notification/my"


def system_notice(user, text="Welcome!", **fields) -> Notification:
    return Notification.objects.create(
        user=user, event=SystemEvent.LOW_BALANCE, description=text, **fields
    )


@pytest.fixture
def inboxes(staff, subscriber, other_subscriber):
    announcement = announcement_create(
        actor=staff,
        description="Maintenance tonight",
        recipient_type="all_users",
        attachments={"link": "https://example.com"},
    )
    announcement_deliver(announcement_id=announcement.pk)
    mine = system_notice(subscriber, "Your balance is low")
    theirs = system_notice(other_subscriber, "Not yours")
    return {"announcement": announcement, "mine": mine, "theirs": theirs}


def test_my_notifications_as_seed_004_shows_them(api_client, subscriber, inboxes):
    api_client.force_authenticate(subscriber)
    response = api_client.get(MY)
    assert response.status_code == 200, response.content
    system, copy = response.json()  # a bare array, newest first
    assert system == {
        **system,
        "_id": str(inboxes["mine"].pk),
        "sender_type": "system",
        "description": "Your balance is low",
        "recipient_type": "user",
        "recipient_id": subscriber.pk,
        "status": "delivered",
        "type": "in-app",
        "event": "low_balance",
        "attachments": {},
        "scheduled_at": None,
        "read": False,
    }
    assert copy == {
        **copy,
        "sender_type": "admin",
        "description": "Maintenance tonight",
        "recipient_type": "all_users",
        "recipient_id": None,
        "type": "announcement",
        "event": "",
        "attachments": {"link": "https://example.com"},
    }
    assert "Not yours" not in response.content.decode()


def test_the_list_costs_a_fixed_number_of_queries(
    api_client, staff, subscriber, django_assert_max_num_queries
):
    for n in range(15):
        announcement_deliver(
            announcement_id=announcement_create(
                actor=staff, description=f"News {n}", recipient_type="prepaid"
            ).pk
        )
        system_notice(subscriber, f"Notice {n}")
    api_client.force_authenticate(subscriber)
    with django_assert_max_num_queries(6):
        response = api_client.get(MY, {"limit": 100})
    assert len(response.json()) == 30


def test_mark_read_and_the_unread_count(api_client, subscriber, inboxes):
    api_client.force_authenticate(subscriber)
    assert api_client.get("/api/v1/notification/unread-count").json() == {"unread_count": 2}
    response = api_client.post("/api/v1/notification/read", {"id": inboxes["mine"].pk})
    assert response.status_code == 200, response.content
    assert response.json() == {"updated": 1, "unread_count": 1}
    assert len(api_client.get(MY, {"unread": "true"}).json()) == 1
    listed = api_client.get(MY).json()
    assert [item["read"] for item in listed] == [True, False]
    assert api_client.post("/api/v1/notification/read", {"all": True}).json() == {
        "updated": 1,
        "unread_count": 0,
    }


def test_marking_another_users_notification_read_is_404_and_changes_nothing(
    api_client, subscriber, inboxes
):
    api_client.force_authenticate(subscriber)
    response = api_client.post(
        "/api/v1/notification/read", {"ids": [inboxes["mine"].pk, inboxes["theirs"].pk]}
    )
    assert response.status_code == 404
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_delete_my_own_notification(api_client, subscriber, inboxes):
    api_client.force_authenticate(subscriber)
    SystemNotice.objects.create(
        user=subscriber, event="low_balance", object_id=1, notification=inboxes["mine"]
    )
    response = api_client.delete(
        "/api/v1/notification/delete", {"id": str(inboxes["mine"].pk)}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {}
    assert not Notification.objects.filter(pk=inboxes["mine"].pk).exists()
    # The record that it was told stays, so it is not told again.
    assert SystemNotice.objects.filter(user=subscriber, event="low_balance").exists()
    # An announcement's copy, by query parameter.
    copy = Notification.objects.get(user=subscriber, announcement__isnull=False)
    assert api_client.delete(f"/api/v1/notification/delete/?id={copy.pk}").status_code == 200
    assert api_client.get(MY).json() == []


def test_another_users_notification_cannot_be_deleted(api_client, subscriber, inboxes):
    api_client.force_authenticate(subscriber)
    theirs = inboxes["theirs"]
    response = api_client.delete("/api/v1/notification/delete", {"id": theirs.pk}, format="json")
    assert response.status_code == 404
    assert Notification.objects.filter(pk=theirs.pk).exists()
    # Mixed with one of mine: still 404, and neither is deleted.
    response = api_client.delete(
        "/api/v1/notification/delete", {"ids": [inboxes["mine"].pk, theirs.pk]}, format="json"
    )
    assert response.status_code == 404
    assert Notification.objects.filter(pk__in=[inboxes["mine"].pk, theirs.pk]).count() == 2


def test_delete_needs_an_id(api_client, subscriber):
    api_client.force_authenticate(subscriber)
    response = api_client.delete("/api/v1/notification/delete", {}, format="json")
    assert response.status_code == 400
    assert "id" in response.json()["errors"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", MY),
        ("get", "/api/v1/notification/unread-count"),
        ("post", "/api/v1/notification/read"),
        ("delete", "/api/v1/notification/delete"),
    ],
)
def test_anonymous_callers_get_401(api_client, method, path):
    assert getattr(api_client, method)(path, {}).status_code == 401


def test_a_new_subscriber_does_not_see_earlier_announcements_delivered_to_others(
    api_client, inboxes
):
    newcomer = UserFactory(subscriber_type=SubscriberType.PREPAID)
    api_client.force_authenticate(newcomer)
    assert api_client.get(MY).json() == []
    assert api_client.get("/api/v1/notification/unread-count").json() == {"unread_count": 0}
