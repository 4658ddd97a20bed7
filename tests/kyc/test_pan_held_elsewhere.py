"""A PAN another account holds: the caller learns nothing of it; staff do."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import ActivityKind, OtpChallenge, SuspiciousActivity
from audit.models import AuditEvent
from kyc.models import KycRecord, KycStatus
from tests.factories import UserFactory
from tests.kyc.support import PAN, PAN_2, status_url, submit, submit_and_confirm

pytestmark = pytest.mark.django_db

RECORDS = "/api/v1/admin/kyc/records"
PRIYA = {"name": "Priya Patel"}


def shape(response) -> dict:
    """What a reply says, leaving out what differs between any two submissions (ids)."""
    body = response.json()
    return {
        "status_code": response.status_code,
        "keys": sorted(body),
        **{k: v for k, v in body.items() if k not in ("id", "request_id", "masked_number")},
    }


def test_another_accounts_pan_gets_the_reply_of_a_free_one(client_for, person, other_person, inbox):
    holder_reply = submit(client_for(person), "pan")
    held = submit(client_for(other_person), "pan", **PRIYA)
    stranger = UserFactory(first_name="Priya", last_name="Patel", mobile="+919876500077")
    free = submit(client_for(stranger), "pan", pan_number=PAN_2, **PRIYA)

    assert held.status_code == 201, held.content
    assert shape(held) == shape(free) == shape(holder_reply)
    assert held.json()["masked_number"] == holder_reply.json()["masked_number"]
    # The same work happens behind it: a record, a code, sent.
    challenge = OtpChallenge.objects.get(pk=held.json()["request_id"])
    assert challenge.user == other_person
    assert inbox.code_for(other_person.mobile)
    record = KycRecord.objects.get(pk=held.json()["id"])
    assert record.held_elsewhere and record.is_current and record.status == KycStatus.PENDING
    # The holder's claim is untouched.
    holder = KycRecord.objects.get(pk=holder_reply.json()["id"])
    assert holder.is_current and holder.status == KycStatus.PENDING and not holder.held_elsewhere
    # Their own status page looks like anyone's.
    mine = client_for(other_person).get(status_url("pan"))
    assert mine.status_code == 200 and mine.json()["status"] == "pending"
    assert "held" not in mine.content.decode()


def test_staff_get_a_finding_that_names_records_not_the_number(client_for, person, other_person):
    holder = submit(client_for(person), "pan").json()
    claim = submit(client_for(other_person), "pan", **PRIYA).json()

    finding = SuspiciousActivity.objects.get(kind=ActivityKind.IDENTITY_NUMBER_CONTESTED)
    assert finding.user == other_person
    assert finding.details["record"] == claim["id"]
    assert finding.details["holder_record"] == holder["id"]
    assert finding.details["holder_user"] == person.pk
    assert PAN not in str(finding.details)
    submitted = AuditEvent.objects.filter(
        action="kyc.record_submitted", target_id=str(claim["id"])
    ).get()
    assert submitted.after["held_elsewhere"] is True


def test_once_confirmed_it_waits_for_review_like_a_doubtful_submission(
    client_for, person, other_person, inbox, reviewer, api_client
):
    submit(client_for(person), "pan")
    # Alone and with matching names, this PAN would be verified at once; held, it is not.
    claim = submit_and_confirm(client_for(other_person), inbox, other_person, "pan", **PRIYA)

    own = client_for(other_person).get(status_url("pan")).json()
    assert own["status"] == "pending_review"
    assert own["verification_score"] <= 50
    record = KycRecord.objects.get(pk=claim["id"])
    assert {"check": "number_not_held_elsewhere", "weight": 0, "score": 0.0} in (
        record.verification_checks
    )

    api_client.force_authenticate(reviewer)
    detail = api_client.get(f"{RECORDS}/{record.pk}").json()
    assert detail["held_elsewhere"] is True
    refused = api_client.post(f"{RECORDS}/{record.pk}/approve", {"note": "looks fine"})
    assert refused.status_code == 409
    assert KycRecord.objects.get(pk=record.pk).status == KycStatus.PENDING_REVIEW
    rejected = api_client.post(f"{RECORDS}/{record.pk}/reject", {"reason": "Not verifiable"})
    assert rejected.status_code == 200


def test_a_free_pan_with_the_same_details_is_verified(client_for, other_person, inbox):
    submit_and_confirm(client_for(other_person), inbox, other_person, "pan", **PRIYA)
    assert client_for(other_person).get(status_url("pan")).json()["status"] == "verified"


def test_ones_own_state_answers_alike_for_any_number(client_for, person, other_person, inbox):
    submit_and_confirm(client_for(person), inbox, person, "pan")
    submit(client_for(other_person), "aadhaar", name="Priya Patel")
    mine = client_for(person)
    # Already verified: the same refusal for one's own PAN, a stranger-held one, a free one.
    replies = [submit(mine, "pan"), submit(mine, "pan", pan_number=PAN_2)]
    assert {r.status_code for r in replies} == {409}
    assert len({r.json()["message"] for r in replies}) == 1


def test_a_held_elsewhere_record_can_never_be_verified_in_the_database(
    client_for, person, other_person
):
    submit(client_for(person), "pan")
    claim = submit(client_for(other_person), "pan", **PRIYA).json()
    with pytest.raises(IntegrityError), transaction.atomic():
        KycRecord.objects.filter(pk=claim["id"]).update(
            status=KycStatus.VERIFIED, verified_at=timezone.now()
        )
