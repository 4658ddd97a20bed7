"""Submitting documents: validation, sealing, the OTP, masked replies, one holder per number."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import OtpChallenge
from audit.models import AuditEvent
from kyc.models import AadhaarVault, KycRecord, KycStatus
from tests.factories import UserFactory
from tests.kyc.support import (
    AADHAAR,
    AADHAAR_2,
    AADHAAR_BAD_CHECK,
    ACCOUNT,
    COMPANY_PAN,
    GSTIN,
    GSTIN_BAD_CHECK,
    IFSC,
    PAN,
    PAN_2,
    confirm_code,
    status_url,
    submit,
    submit_url,
)

pytestmark = pytest.mark.django_db

MASKED_AADHAAR = "XXXX-XXXX-" + AADHAAR[-4:]


@pytest.mark.parametrize(
    ("kind", "message", "masked"),
    [
        ("aadhaar", "Aadhaar submitted for verification", MASKED_AADHAAR),
        ("pan", "PAN submitted for verification", "XXXXXX234F"),
        ("business", "Business details submitted", "27XXXXXXXXXX1Z" + GSTIN[-1]),
        ("bank", "Bank details submitted", "XX-XXXX-XXXX-7890"),
    ],
)
def test_submit_stores_sealed_number_and_sends_a_code(
    client_for, person, inbox, kind, message, masked
):
    response = submit(client_for(person), kind)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert body["otp_sent"] is True
    assert body["message"] == message
    assert body["kyc_type"] == kind
    assert body["masked_number"] == masked
    challenge = OtpChallenge.objects.get(pk=body["request_id"])
    assert challenge.purpose == f"kyc_{kind}"
    assert challenge.user == person
    assert inbox.code_for(person.mobile) and inbox.code_for(person.email)
    record = KycRecord.objects.get(pk=body["id"])
    assert (record.user, record.kind, record.is_current) == (person, kind, True)
    assert record.number_masked == masked
    assert AuditEvent.objects.filter(
        action="kyc.record_submitted", target_id=str(record.pk)
    ).exists()


def test_aadhaar_number_lives_only_in_the_vault(client_for, person):
    body = submit(
        client_for(person), "aadhaar", aadhaar_number=AADHAAR[:4] + " " + AADHAAR[4:]
    ).json()

    record = KycRecord.objects.get(pk=body["id"])
    assert record.number_ciphertext == "" and record.number_index == ""
    entry = AadhaarVault.objects.get(pk=record.aadhaar_ref_id)
    assert entry.ciphertext.startswith(f"v1:{entry.key_id}:")
    assert AADHAAR not in entry.ciphertext and AADHAAR not in entry.blind_index


def test_pan_gstin_and_account_are_encrypted_with_blind_indexes(client_for, person):
    client = client_for(person)
    for kind in ("pan", "business", "bank"):
        record = KycRecord.objects.get(pk=submit(client, kind).json()["id"])
        assert record.number_ciphertext.startswith(f"v1:{record.number_key_id}:")
        assert len(record.number_index) == 64
        for plain in (PAN, GSTIN, ACCOUNT):
            assert plain not in record.number_ciphertext
    business = KycRecord.objects.get(kind="business")
    assert business.gstin_pan_index == KycRecord.objects.get(kind="pan").number_index


@pytest.mark.parametrize(
    ("kind", "field", "value", "words"),
    [
        ("aadhaar", "aadhaar_number", AADHAAR_BAD_CHECK, "check"),
        ("aadhaar", "aadhaar_number", "12345678901", "12 digits"),
        ("aadhaar", "aadhaar_number", "123456789012", "cannot start with 0 or 1"),
        ("aadhaar", "aadhaar_number", "23456789O12A", "only digits"),
        ("aadhaar", "dob", "2999-01-01", "past"),
        ("aadhaar", "dob", "not-a-date", "format"),
        ("aadhaar", "gender", "robot", "not a valid choice"),
        ("aadhaar", "name", "   ", "blank"),
        ("pan", "pan_number", "ABCDE12345", "5 letters, 4 digits"),
        ("pan", "pan_number", "ABCXE1234F", "holder type"),
        ("pan", "pan_number", "ABCPE123", "10 characters"),
        ("business", "gst_number", GSTIN_BAD_CHECK, "check"),
        ("business", "gst_number", "99" + GSTIN[2:], "state code"),
        ("business", "business_type", "empire", "not a valid choice"),
        ("business", "registration_date", "2999-01-01", "future"),
        ("bank", "ifsc_code", "HDFC1001234", "IFSC"),
        ("bank", "account_number", "12345", "9 to 18 digits"),
        ("bank", "account_number", "1234abcd5678", "only digits"),
        ("bank", "account_holder_name", "12345", "letters"),
    ],
)
def test_invalid_input_names_the_field_and_stores_nothing(
    client_for, person, inbox, kind, field, value, words
):
    response = submit(client_for(person), kind, **{field: value})

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["errors"]
    assert words.lower() in " ".join(body["errors"][field]).lower()
    assert not KycRecord.objects.exists()
    assert not AadhaarVault.objects.exists()
    assert not OtpChallenge.objects.exists()
    assert inbox.sms == [] and inbox.mail == []
    if field in ("aadhaar_number", "pan_number", "gst_number", "account_number"):
        assert value not in response.content.decode()  # numbers are never echoed


def test_underage_date_of_birth_is_refused(client_for, person):
    seventeen = (timezone.localdate() - timedelta(days=17 * 365)).isoformat()
    response = submit(client_for(person), "pan", dob=seventeen)
    assert response.status_code == 400
    assert "18 years" in response.json()["errors"]["dob"][0]


def test_every_bad_field_is_reported_at_once(client_for, person):
    response = submit(
        client_for(person), "bank", account_number="12", ifsc_code="bad", account_holder_name="9"
    )
    assert set(response.json()["errors"]) == {"account_number", "ifsc_code", "account_holder_name"}


def test_missing_fields_are_named(client_for, person):
    response = client_for(person).post(submit_url("aadhaar"), {}, format="json")
    assert response.status_code == 400
    assert {"aadhaar_number", "name", "dob"} <= set(response.json()["errors"])


def test_business_without_gstin_is_accepted(client_for, person):
    response = submit(client_for(person), "business", gst_number="")
    assert response.status_code == 201
    assert response.json()["masked_number"] is None


@pytest.mark.parametrize(
    ("kind", "extra", "field_words"),
    [
        ("aadhaar", {}, "Aadhaar number"),
        ("bank", {}, "bank account"),
    ],
)
def test_a_number_held_by_another_person_is_refused(
    client_for, person, other_person, kind, extra, field_words
):
    assert submit(client_for(person), kind, **extra).status_code == 201

    response = submit(client_for(other_person), kind, name="Priya Patel", **extra)

    assert response.status_code == 409
    assert field_words in response.json()["message"]
    assert not KycRecord.objects.filter(user=other_person).exists()
    assert not OtpChallenge.objects.filter(user=other_person).exists()


def test_same_account_number_at_another_bank_is_a_different_account(
    client_for, person, other_person
):
    assert submit(client_for(person), "bank").status_code == 201
    response = submit(
        client_for(other_person), "bank", account_holder_name="Priya Patel", ifsc_code="SBIN0001234"
    )
    assert response.status_code == 201


def test_aadhaar_vault_holds_each_number_once(client_for, person, other_person, reviewer):
    first = submit(client_for(person), "aadhaar").json()
    KycRecord.objects.filter(pk=first["id"]).update(
        status=KycStatus.REJECTED, rejection_reason="Not your Aadhaar"
    )

    # A rejection releases the number: its real owner can claim it.
    response = submit(client_for(other_person), "aadhaar", name="Priya Patel")

    assert response.status_code == 201
    assert AadhaarVault.objects.count() == 1
    assert {r.aadhaar_ref_id for r in KycRecord.objects.all()} == {AadhaarVault.objects.get().pk}


def test_a_stale_unconfirmed_claim_does_not_lock_out_the_owner(client_for, person, other_person):
    squatter = submit(client_for(other_person), "pan", name="Priya Patel").json()
    KycRecord.objects.filter(pk=squatter["id"]).update(
        submitted_at=timezone.now() - timedelta(hours=2)
    )

    response = submit(client_for(person), "pan")

    assert response.status_code == 201
    assert KycRecord.objects.get(pk=squatter["id"]).status == KycStatus.EXPIRED


def test_a_company_pan_is_accepted_but_scored_lower(client_for, person, inbox):
    response = submit(client_for(person), "pan", pan_number=COMPANY_PAN)
    assert response.status_code == 201
    assert KycRecord.objects.get().pan_holder_type == "company"


def test_otp_confirmation_through_the_otp_endpoint(client_for, person, inbox):
    from kyc.tasks import process_kyc_submissions

    client = client_for(person)
    body = submit(client, "aadhaar").json()
    assert client.get(status_url("aadhaar")).json()["otp_verified"] is False

    # The verified code is announced on commit, so the submission moves on at once
    # and the periodic job finds nothing left to do.
    assert confirm_code(client, inbox, person, body["request_id"], "aadhaar").status_code == 200
    assert process_kyc_submissions.delay().get() == {"processed": 0, "expired": 0}

    after = client.get(status_url("aadhaar")).json()
    assert after["status"] == "verified"
    assert after["verification_score"] == 100


def test_wrong_code_changes_nothing(client_for, person, inbox):
    client = client_for(person)
    body = submit(client, "pan").json()
    code = inbox.code_for(person.mobile)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(
        "/api/v1/kyc/verify_otp", {"request_id": body["request_id"], "otp": wrong}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "otp_invalid"
    assert KycRecord.objects.get().status == KycStatus.PENDING


def test_kyc_verify_otp_processes_at_once(client_for, person, inbox):
    client = client_for(person)
    body = submit(client, "pan").json()
    response = client.post(
        "/api/v1/kyc/verify_otp",
        {"request_id": body["request_id"], "otp": inbox.code_for(person.mobile)},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "verified"
    assert response.json()["otp_verified"] is True


def test_kyc_verify_otp_of_another_persons_submission_is_not_found(
    client_for, person, other_person, inbox
):
    body = submit(client_for(person), "pan").json()
    code = inbox.code_for(person.mobile)
    response = client_for(other_person).post(
        "/api/v1/kyc/verify_otp", {"request_id": body["request_id"], "otp": code}, format="json"
    )
    assert response.status_code == 404
    assert OtpChallenge.objects.get(pk=body["request_id"]).verified_at is None


def test_unconfirmed_submissions_expire(client_for, person):
    from kyc.services import kyc_process_submissions

    body = submit(client_for(person), "bank").json()
    KycRecord.objects.filter(pk=body["id"]).update(submitted_at=timezone.now() - timedelta(hours=2))
    assert kyc_process_submissions() == {"processed": 0, "expired": 1}
    assert KycRecord.objects.get().status == KycStatus.EXPIRED
    assert AuditEvent.objects.filter(action="kyc.record_expired").exists()


def test_submissions_are_rate_limited(client_for, person):
    client = client_for(person)
    codes = [submit(client, "business").status_code for _ in range(11)]
    assert codes[:10] == [201] * 10
    assert codes[10] == 429


def test_a_person_without_mobile_or_email_is_told_to_add_one(client_for):
    lonely = UserFactory(username="lonely", email=None, mobile=None)
    response = submit(client_for(lonely), "pan")
    assert response.status_code == 409
    assert not KycRecord.objects.exists()


def test_resubmitting_keeps_history(client_for, person):
    client = client_for(person)
    first = submit(client, "pan").json()
    second = submit(client, "pan", pan_number=PAN_2).json()

    old, new = KycRecord.objects.get(pk=first["id"]), KycRecord.objects.get(pk=second["id"])
    assert (old.is_current, old.status) == (False, KycStatus.EXPIRED)
    assert (new.is_current, new.status) == (True, KycStatus.PENDING)
    assert client.get(status_url("pan")).json()["id"] == new.pk


def test_a_verified_document_cannot_be_resubmitted(client_for, person, inbox):
    from tests.kyc.support import submit_and_confirm

    client = client_for(person)
    submit_and_confirm(client, inbox, person, "aadhaar")
    response = submit(client, "aadhaar", aadhaar_number=AADHAAR_2)
    assert response.status_code == 409
    assert "already verified" in response.json()["message"]


def test_ifsc_and_account_are_normalised(client_for, person):
    response = submit(
        client_for(person), "bank", ifsc_code=" hdfc0001234 ", account_number="5010 0234 5678 90"
    )
    assert response.status_code == 201
    record = KycRecord.objects.get()
    assert record.ifsc == IFSC
