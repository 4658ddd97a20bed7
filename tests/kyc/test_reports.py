"""Seed 000 #37-#39: the KYC report, the pending list and the lists by status."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kyc.models import AadhaarVault, KycRecord, KycStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REPORT = "/api/v1/admin/reports/kyc/get_kyc_report"
PENDING = "/api/v1/admin/reports/kyc/get_pending_kyc"
BY_STATUS = "/api/v1/admin/reports/kyc/get_kyc_by_status"


def make(user, kind, status, *, submitted_days_ago=0, hours_to_verify=None, **extra):
    now = timezone.now()
    submitted = now - timedelta(days=submitted_days_ago)
    record = KycRecord(
        user=user,
        kind=kind,
        status=status,
        holder_name=user.name or "X",
        submitted_at=submitted,
        number_masked="XXXXXX234F",
        **extra,
    )
    if kind == "aadhaar":
        record.aadhaar_ref = AadhaarVault.objects.create(
            ciphertext="v1:k0:x", key_id="k0", blind_index=f"{user.pk}-{kind}-{status}"
        )
    elif kind in ("pan", "bank"):
        record.number_ciphertext = "v1:k0:x"
        record.number_index = f"{user.pk}-{kind}"
    if status == KycStatus.VERIFIED:
        record.verified_at = submitted + timedelta(hours=hours_to_verify or 48)
    if status in (KycStatus.REJECTED, KycStatus.RESUBMISSION_REQUIRED):
        record.rejection_reason = "No"
    record.save()
    return record


@pytest.fixture
def book():
    a, b, c = UserFactory.create_batch(3)
    make(a, "aadhaar", "verified", submitted_days_ago=10, hours_to_verify=48)
    make(a, "pan", "verified", submitted_days_ago=10, hours_to_verify=96)
    make(b, "aadhaar", "pending_review", submitted_days_ago=3)
    make(b, "pan", "rejected", submitted_days_ago=5)
    make(c, "bank", "pending", submitted_days_ago=1)
    make(c, "business", "verified", submitted_days_ago=60, hours_to_verify=24)
    return a, b, c


def test_report(api_client, report_viewer, book):
    api_client.force_authenticate(report_viewer)
    body = api_client.get(REPORT, {"days": 30}).json()

    assert body["total_users"] == 3
    assert body["total_submissions"] == 5
    assert (body["verified"], body["pending"], body["rejected"]) == (2, 2, 1)
    assert body["verification_rate"] == 40
    assert body["average_verification_time"] == "3 days"
    assert body["average_verification_seconds"] == 3 * 86400
    assert body["by_type"]["aadhaar"]["verified"] == 1
    assert body["by_status"]["pending_review"] == 1
    assert [item["kyc_type"] for item in body["pending_kyc"]] == ["aadhaar", "bank"]


def test_report_without_window_and_by_status(api_client, report_viewer, book):
    api_client.force_authenticate(report_viewer)
    everything = api_client.get(REPORT).json()
    assert everything["total_submissions"] == 6
    verified = api_client.get(REPORT, {"status": "verified"}).json()
    assert (verified["total_submissions"], verified["verification_rate"]) == (3, 100)


def test_report_parameters_are_validated(api_client, report_viewer):
    api_client.force_authenticate(report_viewer)
    response = api_client.get(REPORT, {"days": "0", "status": "nope"})
    assert response.status_code == 400
    assert {"days", "status"} <= set(response.json()["errors"])


def test_pending_list(api_client, report_viewer, book, django_assert_max_num_queries):
    api_client.force_authenticate(report_viewer)
    with django_assert_max_num_queries(6):
        response = api_client.get(PENDING, {"days": 30, "page": 1})
    body = response.json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["kyc_type"] == "aadhaar"
    assert first["status"] == "pending_review"
    assert first["pending_days"] == 3
    assert first["user_id"] == book[1].pk and first["email"] == book[1].email
    only_review = api_client.get(PENDING, {"status": "pending_review"}).json()
    assert only_review["count"] == 1
    recent = api_client.get(PENDING, {"days": 2}).json()
    assert [item["kyc_type"] for item in recent["results"]] == ["bank"]


def test_by_status(api_client, report_viewer, book, django_assert_max_num_queries):
    api_client.force_authenticate(report_viewer)
    with django_assert_max_num_queries(6):
        response = api_client.get(f"{BY_STATUS}/verified", {"page": 1})
    body = response.json()
    assert body["status"] == "verified"
    assert body["count"] == 3
    assert {item["status"] for item in body["results"]} == {"verified"}
    assert {"count", "next", "previous", "results"} <= set(body)
    assert api_client.get(f"{BY_STATUS}/verified/", {"kyc_type": "pan"}).json()["count"] == 1


def test_by_unknown_status_names_it(api_client, report_viewer):
    api_client.force_authenticate(report_viewer)
    response = api_client.get(f"{BY_STATUS}/sideways")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_reports_show_history_only_once(api_client, report_viewer, book):
    a = book[0]
    KycRecord.objects.filter(user=a, kind="pan").update(is_current=False)
    api_client.force_authenticate(report_viewer)
    assert api_client.get(REPORT).json()["total_submissions"] == 5
