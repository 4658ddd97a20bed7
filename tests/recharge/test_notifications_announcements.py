"""Announcements: who may send them, who receives them, delivered when due and only once."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccountStatus, StaffType, SubscriberType, UserPreference
from audit.models import AuditEvent
from recharge.notifications.models import Announcement, AnnouncementStatus, Notification
from recharge.notifications.services.announcements import (
    announcement_create,
    announcement_deliver,
    announcements_deliver_due,
)
from recharge.notifications.tasks import announcements_deliver_due_task
from tests.factories import UserFactory
from tests.recharge.conftest import grant

pytestmark = pytest.mark.django_db

URL = "/api/v1/notification/announcement"


@pytest.fixture
def people():
    return {
        "prepaid": UserFactory(subscriber_type=SubscriberType.PREPAID),
        "prepaid2": UserFactory(subscriber_type=SubscriberType.PREPAID),
        "postpaid": UserFactory(subscriber_type=SubscriberType.POSTPAID),
        "staff": UserFactory(user_type=StaffType.FIELD_STAFF, is_staff=True),
        "archived": UserFactory(
            subscriber_type=SubscriberType.PREPAID, status=AccountStatus.ARCHIVED
        ),
    }


def recipients(announcement: Announcement) -> set[int]:
    return set(
        Notification.objects.filter(announcement=announcement).values_list("user_id", flat=True)
    )


def test_staff_announce_now_and_everyone_in_the_audience_gets_it_once(api_client, staff, people):
    api_client.force_authenticate(staff)
    response = api_client.post(
        URL,
        {
            "description": "Scheduled maintenance at 10 PM",
            "attachments": {"link": "https://example.com/maintenance"},
            "recipient_type": "all_users",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        **body,
        "sender_type": "admin",
        "description": "Scheduled maintenance at 10 PM",
        "recipient_type": "all_users",
        "recipient_id": None,
        "type": "announcement",
        "attachments": {"link": "https://example.com/maintenance"},
        "scheduled_at": None,
    }
    announcement = Announcement.objects.get(pk=body["_id"])
    # Delivered after the commit; subscribers only, and nobody archived.
    assert announcement.status == AnnouncementStatus.DELIVERED
    expected = {people[k].pk for k in ("prepaid", "prepaid2", "postpaid")}
    assert recipients(announcement) == expected
    assert announcement.recipients_count == 3
    # Running the job again changes nothing.
    assert announcements_deliver_due() == {"delivered": 0, "recipients": 0}
    assert Notification.objects.filter(announcement=announcement).count() == 3
    assert AuditEvent.objects.filter(
        action="recharge.announcement_created", actor_id=staff.pk, target_id=str(announcement.pk)
    ).exists()
    assert AuditEvent.objects.filter(
        action="recharge.announcement_delivered", target_id=str(announcement.pk)
    ).exists()


def test_a_scheduled_announcement_goes_out_only_when_due_and_only_once(api_client, staff, people):
    at = timezone.now() + timedelta(hours=2)
    api_client.force_authenticate(staff)
    response = api_client.post(
        URL,
        {"description": "Tonight", "recipient_type": "prepaid", "scheduled_at": at.isoformat()},
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "scheduled"
    announcement = Announcement.objects.get(pk=response.json()["_id"])

    # Not yet: neither the job, the command nor a direct delivery sends it.
    assert announcements_deliver_due() == {"delivered": 0, "recipients": 0}
    call_command("notifications_deliver_due")
    assert announcement_deliver(announcement_id=announcement.pk) is None
    assert not Notification.objects.filter(announcement=announcement).exists()
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.SCHEDULED

    later = at + timedelta(seconds=1)
    assert announcements_deliver_due(now=later) == {"delivered": 1, "recipients": 2}
    assert recipients(announcement) == {people["prepaid"].pk, people["prepaid2"].pk}
    # Again, by every door: nothing more.
    assert announcements_deliver_due(now=later + timedelta(hours=1))["delivered"] == 0
    assert announcement_deliver(announcement_id=announcement.pk, now=later) is None
    call_command("notifications_deliver_due")
    assert Notification.objects.filter(announcement=announcement).count() == 2


def test_the_beat_task_and_the_command_deliver_what_is_due(staff, people):
    first = announcement_create(actor=staff, description="A", recipient_type="postpaid")
    assert announcements_deliver_due_task() == {"delivered": 1, "recipients": 1}
    second = announcement_create(actor=staff, description="B", recipient_type="prepaid")
    call_command("notifications_deliver_due")
    assert recipients(second) == {people["prepaid"].pk, people["prepaid2"].pk}
    assert recipients(first) == {people["postpaid"].pk}


@pytest.mark.parametrize(
    ("recipient_type", "expected"),
    [
        ("all_users", {"prepaid", "prepaid2", "postpaid"}),
        ("prepaid", {"prepaid", "prepaid2"}),
        ("postpaid", {"postpaid"}),
    ],
)
def test_audience_selection(staff, people, recipient_type, expected):
    announcement = announcement_create(
        actor=staff, description="Hello", recipient_type=recipient_type
    )
    announcement_deliver(announcement_id=announcement.pk)
    assert recipients(announcement) == {people[name].pk for name in expected}


def test_one_user_and_only_that_user(api_client, staff, people):
    api_client.force_authenticate(staff)
    target = people["postpaid"]
    response = api_client.post(
        URL, {"description": "Just you", "recipient_type": "user", "recipient_id": target.pk}
    )
    assert response.status_code == 201, response.content
    assert response.json()["recipient_id"] == target.pk
    assert recipients(Announcement.objects.get(pk=response.json()["_id"])) == {target.pk}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"description": "x", "recipient_type": "user"}, "recipient_id"),
        ({"description": "x", "recipient_type": "user", "recipient_id": 999999}, "recipient_id"),
        ({"description": "x", "recipient_type": "prepaid", "recipient_id": 1}, "recipient_id"),
        ({"description": "x", "recipient_type": "everyone"}, "recipient_type"),
        ({"description": "", "recipient_type": "prepaid"}, "description"),
        ({"description": "x", "recipient_type": "prepaid", "attachments": [1]}, "attachments"),
        (
            {"description": "x", "recipient_type": "prepaid", "attachments": {"a": "b" * 9000}},
            "attachments",
        ),
        (
            {"description": "x", "recipient_type": "prepaid", "scheduled_at": "2001-01-01T00:00Z"},
            "scheduled_at",
        ),
    ],
)
def test_invalid_announcements_are_refused_naming_the_field(api_client, staff, payload, field):
    api_client.force_authenticate(staff)
    response = api_client.post(URL, payload)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Announcement.objects.exists()


def test_promotional_announcements_reach_only_those_who_accept_offers(staff, people):
    UserPreference.objects.create(user=people["prepaid"], promotional_offers=True)
    UserPreference.objects.create(user=people["prepaid2"], promotional_offers=False)
    # postpaid never saved preferences: the default (no promotional offers) holds.
    promo = announcement_create(
        actor=staff, description="50% off", recipient_type="all_users", category="promotional"
    )
    announcement_deliver(announcement_id=promo.pk)
    assert recipients(promo) == {people["prepaid"].pk}
    UserPreference.objects.create(user=people["postpaid"], marketing_communication=False)
    marketing = announcement_create(
        actor=staff, description="News", recipient_type="postpaid", category="marketing"
    )
    announcement_deliver(announcement_id=marketing.pk)
    assert recipients(marketing) == set()


def test_fan_out_costs_the_same_queries_whatever_the_audience(staff):
    def queries_to_deliver(recipient_type: str) -> int:
        announcement = announcement_create(
            actor=staff, description="Hi", recipient_type=recipient_type
        )
        with CaptureQueriesContext(connection) as captured:
            announcement_deliver(announcement_id=announcement.pk)
        return len(captured)

    UserFactory.create_batch(3, subscriber_type=SubscriberType.POSTPAID)
    UserFactory.create_batch(60, subscriber_type=SubscriberType.PREPAID)
    few, many = queries_to_deliver("postpaid"), queries_to_deliver("prepaid")
    assert few == many < 30
    assert Notification.objects.count() == 63


def test_a_crashed_delivery_is_taken_over_and_resumes_without_duplicates(staff, people):
    announcement = announcement_create(actor=staff, description="Hi", recipient_type="all_users")
    # A worker claimed it, delivered to the first recipient, and died.
    first = min(people[k].pk for k in ("prepaid", "prepaid2", "postpaid"))
    Notification.objects.create(user_id=first, announcement=announcement)
    Announcement.objects.filter(pk=announcement.pk).update(
        status=AnnouncementStatus.DELIVERING,
        claimed_at=timezone.now() - timedelta(minutes=1),
        cursor=first,
        recipients_count=1,
    )
    # Still fresh: nobody else takes it.
    assert announcements_deliver_due()["delivered"] == 0
    # Stale: taken over, finished from the cursor.
    later = timezone.now() + timedelta(hours=1)
    assert announcements_deliver_due(now=later) == {"delivered": 1, "recipients": 3}
    assert Notification.objects.filter(announcement=announcement).count() == 3


def test_cancel_before_it_goes_out(api_client, staff, people):
    at = timezone.now() + timedelta(hours=1)
    announcement = announcement_create(
        actor=staff, description="Later", recipient_type="all_users", scheduled_at=at
    )
    api_client.force_authenticate(staff)
    url = f"{URL}/{announcement.pk}/cancel"
    response = api_client.post(url)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert announcements_deliver_due(now=at + timedelta(minutes=1))["delivered"] == 0
    assert not Notification.objects.exists()
    assert api_client.post(url).status_code == 409
    assert AuditEvent.objects.filter(action="recharge.announcement_cancelled").count() == 1


def test_staff_list_announcements(api_client, staff):
    announcement_create(actor=staff, description="One", recipient_type="prepaid")
    api_client.force_authenticate(staff)
    response = api_client.get(URL, {"status": "pending"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["results"][0]["description"] == "One"


def test_permissions_decide_who_may_announce(api_client, people):
    viewer = grant(UserFactory(is_staff=True), "view_announcement")
    api_client.force_authenticate(viewer)
    assert api_client.get(URL).status_code == 200
    assert (
        api_client.post(URL, {"description": "x", "recipient_type": "prepaid"}).status_code == 403
    )
    writer = grant(UserFactory(is_staff=True), "add_announcement")
    api_client.force_authenticate(writer)
    assert (
        api_client.post(URL, {"description": "x", "recipient_type": "prepaid"}).status_code == 201
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", URL), ("post", URL), ("post", f"{URL}/1/cancel")],
)
def test_a_normal_user_gets_403_and_anonymous_401(api_client, subscriber, method, path):
    api_client.force_authenticate(subscriber)
    assert getattr(api_client, method)(path, {}).status_code == 403
    api_client.force_authenticate(None)
    assert getattr(api_client, method)(path, {}).status_code == 401


def test_announce_with_a_real_bearer_token(api_client, people, password_sign_in):
    UserFactory(username="announcer", is_staff=True, is_superuser=True)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {password_sign_in('announcer')['access']}")
    response = api_client.post(f"{URL}/", {"description": "Hi", "recipient_type": "postpaid"})
    assert response.status_code == 201, response.content
    assert recipients(Announcement.objects.get()) == {people["postpaid"].pk}


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_deliver_each_copy_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (concurrent transactions)")
    staff = UserFactory(is_staff=True, is_superuser=True)
    UserFactory.create_batch(40, subscriber_type=SubscriberType.PREPAID)
    announcement = announcement_create(
        actor=staff,
        description="Race",
        recipient_type="prepaid",
        scheduled_at=timezone.now() + timedelta(seconds=1),
    )
    later = timezone.now() + timedelta(minutes=1)
    results, barrier = [], threading.Barrier(2)

    def work():
        try:
            barrier.wait()
            results.append(announcement_deliver(announcement_id=announcement.pk, now=later, size=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [40, None]
    assert Notification.objects.filter(announcement=announcement).count() == 40
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.DELIVERED
    assert announcement.recipients_count == 40
