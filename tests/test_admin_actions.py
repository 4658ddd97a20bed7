"""The admin's actions: each calls its service, says what happened, and needs its permission."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from model_bakery import baker

from accounts.models import AuthSession
from audit.models import AuditEvent
from audit.services import audit_record, audit_seal
from lending.models import ImportBatch, ImportStatus
from recharge.notifications.models import Announcement, AnnouncementStatus, Notification
from reports.models import ExportStatus, ReportExport
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.fixture
def superuser(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _run(client, model, action: str, rows) -> list[str]:
    opts = model._meta
    response = client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": action, "_selected_action": [row.pk for row in rows]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("item", REGISTERED, ids=lambda item: item[0]._meta.label)
def test_a_view_only_staff_member_is_offered_no_action_that_changes_anything(item):
    model, model_admin = item
    opts = model._meta
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(
            content_type__app_label=opts.app_label, codename=f"view_{opts.model_name}"
        )
    )
    request = RequestFactory().get("/")
    request.user = type(viewer).objects.get(pk=viewer.pk)
    offered = {
        name
        for name, action in model_admin.get_actions(request).items()
        if tuple(getattr(action.func, "allowed_permissions", ())) != ("view",)
    }
    assert offered == set()


def test_ending_selected_sessions_ends_only_those(client, superuser):
    person = UserFactory()
    later = timezone.now() + timedelta(hours=1)
    chosen, kept = baker.make(
        AuthSession, user=person, expires_at=later, revoked_at=None, _quantity=2
    )
    assert _run(client, AuthSession, "end_sessions", [chosen]) == ["1 session(s) ended."]
    chosen.refresh_from_db()
    kept.refresh_from_db()
    assert chosen.revoked_at is not None and chosen.revoke_reason == "ended_by_admin"
    assert kept.revoked_at is None
    assert AuditEvent.objects.filter(
        action="auth.sessions_ended", actor=superuser, target_id=str(person.pk)
    ).exists()


def test_a_failed_export_is_queued_again_for_its_owner_while_they_may_run_it(
    client, superuser, django_capture_on_commit_callbacks
):
    owner = UserFactory(is_staff=True)
    owner.user_permissions.add(Permission.objects.get(codename="run_report"))
    stranger = UserFactory(is_staff=True)  # lost the right to run reports
    body = {"export_type": "csv"}
    failed = ReportExport.objects.create(
        report="users-report",
        export_type="csv",
        request_body=body,
        requested_by=owner,
        status=ExportStatus.FAILED,
    )
    refused = ReportExport.objects.create(
        report="users-report",
        export_type="csv",
        request_body=body,
        requested_by=stranger,
        status=ExportStatus.FAILED,
    )
    done = ReportExport.objects.create(
        report="users-report",
        export_type="csv",
        request_body=body,
        requested_by=owner,
        status=ExportStatus.COMPLETED,
    )
    with django_capture_on_commit_callbacks(execute=False) as queued_tasks:
        messages = _run(client, ReportExport, "retry_exports", [failed, refused, done])
    assert messages[-1] == "1 export(s) queued again; only failed exports are retried."
    assert any("may no longer run it" in message for message in messages)
    again = ReportExport.objects.exclude(pk__in=[failed.pk, refused.pk, done.pk])
    assert [(e.requested_by_id, e.report, e.status, e.request_body) for e in again] == [
        (owner.pk, "users-report", ExportStatus.PENDING, body)
    ]
    assert len(queued_tasks) == 1  # the background task that writes it


def test_announcements_are_cancelled_and_delivered_through_the_service(client, superuser):
    subscriber = UserFactory(subscriber_type="prepaid")
    scheduled = baker.make(
        Announcement,
        recipient_type="all_users",
        category="service",
        status=AnnouncementStatus.SCHEDULED,
        deliver_after=timezone.now() + timedelta(days=1),
    )
    due = baker.make(
        Announcement,
        recipient_type="all_users",
        category="service",
        status=AnnouncementStatus.PENDING,
        deliver_after=timezone.now() - timedelta(minutes=1),
    )
    assert _run(client, Announcement, "cancel", [scheduled]) == ["1 announcement(s) cancelled."]
    scheduled.refresh_from_db()
    assert scheduled.status == AnnouncementStatus.CANCELLED
    assert AuditEvent.objects.filter(
        action="recharge.announcement_cancelled", actor=superuser, target_id=str(scheduled.pk)
    ).exists()

    messages = _run(client, Announcement, "deliver_now", [due, scheduled])
    assert f"Announcement {due.pk}: delivered to 1 user(s)." in messages
    assert any(f"Announcement {scheduled.pk}: not due" in message for message in messages)
    due.refresh_from_db()
    assert due.status == AnnouncementStatus.DELIVERED
    assert Notification.objects.filter(user=subscriber, announcement=due).exists()


def test_the_trail_check_reports_an_intact_chain(client, superuser):
    audit_record(action="test.one", description="first")
    audit_record(action="test.two", description="second")
    audit_seal()
    sealed = AuditEvent.objects.filter(sequence__isnull=False).count()
    assert sealed >= 2
    messages = _run(client, AuditEvent, "check_chain", AuditEvent.objects.all()[:1])
    assert messages == [f"The trail is intact: {sealed} sealed event(s) checked."]


def test_stopping_an_import_reports_it_failed_and_leaves_finished_ones(client, superuser):
    uploader = UserFactory(is_staff=True)
    queued = baker.make(
        ImportBatch, status=ImportStatus.QUEUED, uploaded_by=uploader, dry_run=False
    )
    messages = _run(client, ImportBatch, "stop_imports", [queued])
    assert messages == ["1 import(s) stopped; finished ones are left as they were."]
    queued.refresh_from_db()
    assert queued.status == ImportStatus.FAILED
    assert queued.failure_reason == f"Stopped by {superuser.get_username()}."
    assert _run(client, ImportBatch, "stop_imports", [queued]) == [
        "0 import(s) stopped; finished ones are left as they were."
    ]
