"""The verification step: provider scores, auto-verify above the threshold, review below it."""

import pytest

from kyc.models import KycRecord, KycStatus
from kyc.providers import BuiltinProvider, VerificationResult, name_similarity
from kyc.services import kyc_confirm_submission
from tests.kyc.support import (
    COMPANY_PAN,
    GSTIN_2,
    PAN_2,
    status_url,
    submit,
    submit_and_confirm,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Rahul Sharma", "rahul  sharma", 1.0),
        ("Sharma Rahul", "Rahul Sharma", 1.0),
        ("Mr. Rahul Sharma", "Rahul Sharma", 1.0),
        ("Rahul Kumar Sharma", "Rahul Sharma", 1.0),
        ("Priya Patel", "Rahul Sharma", None),
        ("", "Rahul Sharma", None),
    ],
)
def test_name_similarity(a, b, expected):
    score = name_similarity(a, b)
    if expected is None and a:
        assert score < 0.5
    else:
        assert score == expected


def checks_of(record) -> dict:
    return {c["check"]: c["score"] for c in record.verification_checks}


def test_matching_documents_are_verified_automatically(client_for, person, inbox):
    client = client_for(person)
    for kind in ("aadhaar", "pan", "business", "bank"):
        submit_and_confirm(client, inbox, person, kind)

    records = {r.kind: r for r in KycRecord.objects.all()}
    assert {r.status for r in records.values()} == {KycStatus.VERIFIED}
    assert all(r.verification_score == 100 for r in records.values())
    assert all(r.reviewed_by is None and r.verified_at for r in records.values())
    pan = checks_of(records["pan"])
    assert pan["dob_matches_aadhaar"] == 1.0 and pan["name_matches_aadhaar"] == 1.0
    assert checks_of(records["business"])["gstin_pan_matches_pan"] == 1.0
    assert records["aadhaar"].verification_provider == "builtin"


def test_a_name_mismatch_goes_to_manual_review(client_for, person, inbox):
    client = client_for(person)
    submit_and_confirm(client, inbox, person, "aadhaar", name="Somebody Else")

    record = KycRecord.objects.get()
    assert record.status == KycStatus.PENDING_REVIEW
    assert record.verification_score < 80
    assert record.verified_at is None
    assert client.get(status_url("aadhaar")).json()["status"] == "pending_review"


def test_date_of_birth_disagreement_goes_to_review(client_for, person, inbox):
    client = client_for(person)
    submit_and_confirm(client, inbox, person, "aadhaar")
    submit_and_confirm(client, inbox, person, "pan", dob="1991-02-03")

    pan = KycRecord.objects.get(kind="pan")
    assert checks_of(pan)["dob_matches_aadhaar"] == 0.0
    assert pan.status == KycStatus.PENDING_REVIEW


def test_gstin_of_another_pan_goes_to_review(client_for, person, inbox):
    client = client_for(person)
    submit_and_confirm(client, inbox, person, "pan")
    submit_and_confirm(client, inbox, person, "business", gst_number=GSTIN_2)

    business = KycRecord.objects.get(kind="business")
    assert checks_of(business)["gstin_pan_matches_pan"] == 0.0
    assert business.status == KycStatus.PENDING_REVIEW


def test_a_company_pan_scores_lower_on_the_personal_step(client_for, person, inbox):
    submit_and_confirm(client_for(person), inbox, person, "pan", pan_number=COMPANY_PAN)
    record = KycRecord.objects.get()
    assert checks_of(record)["pan_holder_is_individual"] == 0.0
    assert record.verification_score < 100


def test_nothing_to_compare_goes_to_review(client_for, inbox):
    from tests.factories import UserFactory

    nameless = UserFactory(username="nameless", first_name="", last_name="", mobile="+919800000009")
    submit_and_confirm(client_for(nameless), inbox, nameless, "business", gst_number="")
    record = KycRecord.objects.get()
    assert record.verification_score == 70  # formats (40) + unknown agreement (60 x 1/2)
    assert record.status == KycStatus.PENDING_REVIEW


def test_threshold_comes_from_settings(client_for, person, inbox, settings):
    settings.KYC_AUTO_VERIFY_THRESHOLD = 101
    submit_and_confirm(client_for(person), inbox, person, "pan")
    assert KycRecord.objects.get().status == KycStatus.PENDING_REVIEW


class AlwaysFifty(BuiltinProvider):
    name = "fifty"

    def verify(self, record, *, related):
        return VerificationResult(score=50, checks=())


def test_provider_is_pluggable(client_for, person, inbox, settings):
    settings.KYC_VERIFICATION_PROVIDER = "tests.kyc.test_verification.AlwaysFifty"
    submit_and_confirm(client_for(person), inbox, person, "pan", pan_number=PAN_2)
    record = KycRecord.objects.get()
    assert (record.verification_provider, record.verification_score) == ("fifty", 50)
    assert record.status == KycStatus.PENDING_REVIEW


def test_confirmation_without_a_verified_code_does_nothing(client_for, person):
    body = submit(client_for(person), "pan").json()
    record = kyc_confirm_submission(record_id=body["id"])
    assert record.status == KycStatus.PENDING
    assert record.verification_score is None


def test_confirmation_is_idempotent(client_for, person, inbox):
    from audit.models import AuditEvent

    body = submit_and_confirm(client_for(person), inbox, person, "pan")
    kyc_confirm_submission(record_id=body["id"])
    assert AuditEvent.objects.filter(action="kyc.record_auto_verified").count() == 1


def test_code_verified_hook_processes_the_submission_at_once(client_for, person, inbox):
    from kyc.tasks import kyc_code_verified
    from tests.kyc.support import confirm_code

    client = client_for(person)
    body = submit(client, "pan").json()
    confirm_code(client, inbox, person, body["request_id"], "pan")
    assert kyc_code_verified.delay(body["request_id"]).get() == "verified"
    assert kyc_code_verified.delay("00000000-0000-0000-0000-000000000000").get() is None


def test_a_ciphertext_that_does_not_match_its_index_scores_zero(client_for, person, other_person):
    from kyc.services import kyc_confirm_submission
    from tests.kyc.support import PAN_2

    mine = submit(client_for(person), "pan").json()
    theirs = submit(client_for(other_person), "pan", pan_number=PAN_2, name="Priya Patel").json()
    # A ciphertext copied from another row decrypts, but it is not this row's number.
    stolen = KycRecord.objects.get(pk=theirs["id"]).number_ciphertext
    KycRecord.objects.filter(pk=mine["id"]).update(number_ciphertext=stolen)
    challenge = KycRecord.objects.get(pk=mine["id"]).otp_challenge
    challenge.verified_at = challenge.created_at
    challenge.save(update_fields=["verified_at"])

    record = kyc_confirm_submission(record_id=mine["id"])

    assert (record.status, record.verification_score) == (KycStatus.PENDING_REVIEW, 0)
    assert checks_of(record)["format_valid"] == 0.0
