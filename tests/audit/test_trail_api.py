"""Audit trail endpoints, the API request log and its statistics."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from audit.chain import verify_chain
from audit.models import ApiRequestLog, AuditChainAnchor, AuditEvent
from audit.services import audit_record, audit_seal
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROUTES = [
    "/api/v1/admin/audit/get_audit_trail",
    "/api/v1/admin/audit/get_user_audit/1",
    "/api/v1/admin/audit/export_logs",
    "/api/v1/admin/audit/get_statistics",
    "/api/v1/admin/system/api_statistics",
    "/api/v1/logs/",
]


@pytest.fixture
def auditor(api_client):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_auditevent", "view_apirequestlog"])
    )
    api_client.force_authenticate(User.objects.get(pk=user.pk))
    return user


@pytest.mark.parametrize("path", ROUTES)
def test_staff_only(api_client, path):
    assert api_client.get(path).status_code == 401
    api_client.force_authenticate(UserFactory(is_staff=True))
    assert api_client.get(path).status_code == 403


def test_trail_filters_by_action_user_and_days(api_client, auditor):
    subject = UserFactory()
    audit_record(action="accounts.user_blocked", actor=auditor, target=subject, description="x")
    audit_record(action="accounts.profile_updated", actor=subject, target=subject)
    old = audit_record(action="accounts.user_blocked", actor=auditor, target=auditor)
    AuditEvent.objects.filter(pk=old.pk)  # leave it: rows are append-only

    body = api_client.get("/api/v1/admin/audit/get_audit_trail", {"action": "user_blocked"}).json()
    assert body["count"] == 2
    assert {row["action"] for row in body["results"]} == {"accounts.user_blocked"}
    mine = api_client.get("/api/v1/admin/audit/get_audit_trail", {"user_id": subject.pk}).json()
    assert mine["count"] == 2
    assert set(mine["results"][0]) >= {
        "user_id",
        "action",
        "ip_address",
        "timestamp",
        "before",
        "after",
    }
    bad = api_client.get("/api/v1/admin/audit/get_audit_trail", {"days": "0"})
    assert bad.status_code == 400 and "days" in bad.json()["errors"]


def test_user_audit_summary_and_statistics(api_client, auditor):
    subject = UserFactory()
    for _ in range(3):
        audit_record(action="accounts.profile_updated", actor=subject, target=subject)
    audit_record(action="kyc.submitted", actor=subject, target=subject)
    summary = api_client.get(f"/api/v1/admin/audit/get_user_audit/{subject.pk}?days=30").json()
    assert summary["total_actions"] == 4
    assert summary["actions_by_type"] == {"accounts.profile_updated": 3, "kyc.submitted": 1}
    stats = api_client.get("/api/v1/admin/audit/get_statistics").json()
    assert stats["total_events"] == AuditEvent.objects.count()
    assert stats["today"] == stats["total_events"]
    assert stats["top_actions"][0] == "accounts.profile_updated"
    assert len(stats["peak_hours"]) >= 1


def test_export_streams_the_trail_between_dates(api_client, auditor):
    audit_record(action="=cmd|' /C calc'!A0", actor=auditor)
    audit_record(action="accounts.other", actor=auditor)
    today = timezone.localdate().isoformat()
    response = api_client.get(
        "/api/v1/admin/audit/export_logs", {"format": "csv", "start_date": today, "end_date": today}
    )
    assert response.status_code == 200 and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "sequence" and len(rows) == 3
    assert rows[1][4].startswith("'=")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    empty = api_client.get("/api/v1/admin/audit/export_logs", {"start_date": tomorrow})
    assert len(b"".join(empty.streaming_content).decode().splitlines()) == 1


def test_retention_prunes_old_events_and_the_chain_still_verifies(settings):
    for n in range(5):
        audit_record(action="test.old", description=str(n))
    cutoff = timezone.now()
    audit_record(action="test.new")
    removed = call_command("audit_prune", "--audit-days", "0", "--log-days", "0")
    assert removed is None  # nothing removed when retention is off
    from audit.services import audit_prune

    assert audit_prune(before=cutoff) == 5
    assert not AuditEvent.objects.filter(action="test.old").exists()
    anchor = AuditChainAnchor.objects.get()
    assert anchor.sequence == 5 and anchor.pruned_count == 5
    audit_seal()  # the record of the pruning, as its commit would
    report = verify_chain()
    assert report.ok, report.reason
    assert report.checked == 2  # test.new and the record of the pruning itself


SECRETS = {
    "password": "Hunter2-Very-Secret",
    "new_password": "Another-Secret-99",
    "otp": "482913",
    "refresh": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl",
    "aadhaar_number": "234567890123",
    "pan_number": "ABCPE1234F",
    "account_number": "123456789012345",
}


def test_request_log_redacts_every_kind_of_secret(api_client):
    api_client.post("/api/v1/auth/login", {"username": "nobody", **SECRETS})
    api_client.post("/api/v1/auth/reset_password", {"request_id": "x", **SECRETS})
    api_client.post(
        "/api/v1/auth/verify-otp-login",
        data="grant_type=password&username=9876543210&password=482913",
        content_type="application/x-www-form-urlencoded",
    )
    rows = list(ApiRequestLog.objects.all())
    assert len(rows) == 3
    everything = " ".join(f"{r.query} {r.request_body} {r.response_body}" for r in rows)
    for name, secret in SECRETS.items():
        assert secret not in everything, name
    assert "0123" in everything  # identity numbers keep their last four digits
    assert "[REDACTED]" in everything


def test_tokens_in_responses_are_redacted(api_client):
    UserFactory(username="logme")
    response = api_client.post(
        "/api/v1/auth/login", {"username": "logme", "password": DEFAULT_PASSWORD}
    )
    access = response.json()["access"]
    row = ApiRequestLog.objects.get(path="/api/v1/auth/login")
    assert row.status_code == 200
    assert access not in row.response_body and response.json()["refresh"] not in row.response_body
    assert DEFAULT_PASSWORD not in row.request_body


def test_request_log_rows_and_listing(api_client, auditor):
    api_client.get("/api/v1/admin/audit/get_statistics")
    api_client.get("/api/v1/no/such/path")
    body = api_client.get("/api/v1/logs/", {"status_code": 404}).json()
    assert len(body) == 1
    row = body[0]
    assert row["endpoint"] == "/api/v1/no/such/path" and row["method"] == "GET"
    assert row["user"] is None  # no view ran, so nobody was authenticated
    signed = api_client.get("/api/v1/logs/", {"path": "get_statistics"}).json()[0]
    assert signed["user"] == auditor.pk and signed["request_id"]
    assert set(row) >= {
        "request_payload",
        "response_payload",
        "status_code",
        "created_at",
        "duration_ms",
    }


def test_bodies_are_size_capped(api_client):
    api_client.post("/api/v1/auth/login", {"username": "x" * 20000, "password": "y"})
    row = ApiRequestLog.objects.get()
    assert len(row.request_body) <= 4200


def test_api_statistics_from_the_log(api_client, auditor):
    now = timezone.now()
    ApiRequestLog.objects.bulk_create(
        [
            ApiRequestLog(
                created_at=now,
                method="GET",
                path="/api/v1/a",
                status_code=200,
                duration_ms=float(ms),
            )
            for ms in range(1, 101)
        ]
        + [
            ApiRequestLog(
                created_at=now, method="POST", path="/api/v1/b", status_code=500, duration_ms=1000.0
            ),
            ApiRequestLog(
                created_at=now - timedelta(hours=30),
                method="GET",
                path="/api/v1/old",
                status_code=200,
                duration_ms=1.0,
            ),
        ]
    )
    stats = api_client.get("/api/v1/admin/system/api_statistics?hours=24").json()
    assert stats["total_requests"] == 101
    assert stats["success_rate"] == round(100 * 100 / 101, 2)
    assert stats["server_error_rate"] == round(100 / 101, 2)
    assert stats["p95_response_ms"] == 96.0
    assert stats["top_endpoints"][0] == {
        "method": "GET",
        "path": "/api/v1/a",
        "requests": 100,
        "average_ms": 50.5,
    }
    assert api_client.get("/api/v1/admin/system/api_statistics?hours=abc").status_code == 400
