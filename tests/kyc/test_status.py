"""A person's own status endpoints: masked numbers, their own records only, seed 000 #16."""

import pytest

from kyc.models import KycRecord, KycStatus
from tests.kyc.support import AADHAAR, ACCOUNT, GSTIN, PAN, status_url, submit, submit_and_confirm

pytestmark = pytest.mark.django_db

KYC_STATUS = "/api/v1/kyc/status/get_kyc_status"


@pytest.mark.parametrize(
    ("kind", "field", "masked"),
    [
        ("aadhaar", "aadhaar_number", "XXXX-XXXX-" + AADHAAR[-4:]),
        ("pan", "pan_number", "XXXXXX234F"),
        ("bank", "account_number", "XX-XXXX-XXXX-7890"),
        ("business", "gst_number", GSTIN[:2] + "X" * 10 + GSTIN[-3:]),
    ],
)
def test_status_shows_the_masked_number_and_the_seed_fields(
    client_for, person, inbox, kind, field, masked
):
    client = client_for(person)
    submit_and_confirm(client, inbox, person, kind)

    response = client.get(status_url(kind))

    assert response.status_code == 200
    body = response.json()
    assert body[field] == masked
    assert {"id", "status", "verified_at", "verification_score"} <= set(body)
    assert body["status"] in ("verified", "pending_review")
    text = response.content.decode()
    for plain in (AADHAAR, PAN, GSTIN, ACCOUNT):
        assert plain not in text


def test_business_status_has_the_business_name(client_for, person):
    client = client_for(person)
    submit(client, "business")
    assert client.get(status_url("business")).json()["business_name"] == "Sharma Traders"


def test_status_before_submitting_is_404(client_for, person):
    response = client_for(person).get(status_url("pan"))
    assert response.status_code == 404


def test_a_person_never_sees_another_persons_kyc(client_for, person, other_person):
    submit(client_for(person), "pan")
    submit(client_for(person), "aadhaar")

    other = client_for(other_person)
    assert other.get(status_url("pan")).status_code == 404
    assert other.get(status_url("aadhaar")).status_code == 404
    overview = other.get(KYC_STATUS).json()
    assert overview["status"] == "not_started"
    assert overview["pan"]["status"] == "not_submitted"


def test_overall_status_as_seed_000_shows_it(client_for, person, inbox):
    client = client_for(person)
    submit_and_confirm(client, inbox, person, "aadhaar")
    submit_and_confirm(client, inbox, person, "pan")
    submit(client, "business")
    KycRecord.objects.filter(kind="aadhaar").update(verification_score=95)
    KycRecord.objects.filter(kind="pan").update(verification_score=98)

    body = client.get(KYC_STATUS).json()

    assert body["completion_percentage"] == 75
    assert body["status"] == "partially_verified"
    assert body["aadhaar"]["status"] == "verified"
    assert body["pan"]["status"] == "verified"
    assert body["business"]["status"] == "pending"
    assert body["bank"]["status"] == "not_submitted"
    assert body["overall_score"] == 96
    assert body["next_steps"] == ["Complete Business KYC", "Submit Bank Details"]


def test_overall_status_when_everything_is_verified(client_for, person, inbox):
    client = client_for(person)
    for kind in ("aadhaar", "pan", "business", "bank"):
        submit_and_confirm(client, inbox, person, kind)
    body = client.get(KYC_STATUS).json()
    assert (body["status"], body["completion_percentage"], body["overall_score"]) == (
        "verified",
        100,
        100,
    )
    assert body["next_steps"] == []


def test_overall_status_with_nothing_submitted(client_for, person):
    body = client_for(person).get(KYC_STATUS).json()
    assert body["completion_percentage"] == 0
    assert body["status"] == "not_started"
    assert body["overall_score"] is None
    assert body["next_steps"] == [
        "Submit Aadhaar Details",
        "Submit PAN Details",
        "Submit Business Details",
        "Submit Bank Details",
    ]


def test_rejected_document_does_not_count_towards_completion(client_for, person):
    client = client_for(person)
    submit(client, "pan")
    KycRecord.objects.update(status=KycStatus.REJECTED, rejection_reason="Unreadable")
    body = client.get(KYC_STATUS).json()
    assert body["completion_percentage"] == 0
    assert body["status"] == "action_required"
    assert "Resubmit PAN KYC" in body["next_steps"]


def test_status_selector_for_other_apps(client_for, person, other_person, inbox):
    from kyc.selectors import kyc_status_by_user

    submit_and_confirm(client_for(person), inbox, person, "pan")
    assert kyc_status_by_user([person.pk, other_person.pk]) == {
        person.pk: "partially_verified",
        other_person.pk: "not_started",
    }
