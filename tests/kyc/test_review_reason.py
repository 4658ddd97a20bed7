"""A submission that waits for a person says so, and why, to the person who sent it."""

import pytest

from kyc.models import KycRecord, KycStatus
from kyc.providers import MANUAL_CHECK
from tests.kyc.support import GSTIN_2, status_url, submit, submit_and_confirm

pytestmark = pytest.mark.django_db


def confirm_now(client, inbox, person, reply):
    return client.post(
        "/api/v1/kyc/verify_otp",
        {"request_id": reply["request_id"], "otp": inbox.code_for(person.mobile)},
        format="json",
    )


def test_gstin_of_another_pan_is_told_at_submission_and_after_the_code(client_for, person, inbox):
    client = client_for(person)
    submit_and_confirm(client, inbox, person, "pan")

    response = submit(client, "business", gst_number=GSTIN_2)
    assert response.status_code == 201, response.content
    reply = response.json()
    assert reply["status"] == "pending"
    assert "PAN inside the GSTIN" in reply["review_reason"]
    assert reply["review_reason"] in reply["message"]

    confirmed = confirm_now(client, inbox, person, reply)
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "pending_review"
    assert "PAN inside the GSTIN" in confirmed.json()["review_reason"]

    status = client.get(status_url("business")).json()
    assert status["status"] == "pending_review"
    assert "PAN inside the GSTIN" in status["review_reason"]
    assert KycRecord.objects.get(kind="business").status == KycStatus.PENDING_REVIEW


def test_matching_gstin_has_no_review_reason(client_for, person, inbox):
    client = client_for(person)
    submit_and_confirm(client, inbox, person, "pan")

    reply = submit(client, "business").json()
    assert reply["review_reason"] is None
    assert reply["message"] == "Business details submitted"


def test_business_without_a_pan_to_compare_is_told_why_after_the_code(client_for, person, inbox):
    client = client_for(person)
    reply = submit(client, "business").json()
    assert reply["review_reason"] is None  # a PAN may still come before the code

    body = confirm_now(client, inbox, person, reply).json()
    assert body["status"] == "pending_review"
    assert "no PAN KYC yet" in body["review_reason"]


def test_a_weak_name_match_is_explained(client_for, person, inbox):
    client = client_for(person)
    submit_and_confirm(client, inbox, person, "aadhaar", name="Somebody Else")

    body = client.get(status_url("aadhaar")).json()
    assert body["status"] == "pending_review"
    assert "name does not match" in body["review_reason"]


def test_the_reason_is_gone_once_decided(client_for, person, inbox, reviewer):
    client = client_for(person)
    submit_and_confirm(client, inbox, person, "aadhaar", name="Somebody Else")
    record = KycRecord.objects.get()

    staff = client_for(reviewer)
    assert staff.post(f"/api/v1/admin/kyc/records/{record.pk}/approve", {}).status_code == 200

    body = client_for(person).get(status_url("aadhaar")).json()
    assert body["status"] == "verified"
    assert body["review_reason"] is None


def test_a_pan_held_elsewhere_is_not_told_as_such(client_for, person, other_person, inbox):
    submit_and_confirm(client_for(person), inbox, person, "pan")
    client = client_for(other_person)
    submit_and_confirm(client, inbox, other_person, "pan", name="Priya Patel")

    body = client.get(status_url("pan")).json()
    assert body["status"] == "pending_review"
    assert body["review_reason"] == MANUAL_CHECK
    assert "account" not in body["review_reason"]
