"""Key rotation: every ciphertext moves to the active key, old rows stay readable meanwhile."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from kyc import crypto, vault
from kyc.models import AadhaarVault, KycRecord
from tests.factories import UserFactory
from tests.kyc.support import AADHAAR, AADHAAR_2, ACCOUNT, GSTIN, PAN, PAN_2, status_url, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = {"old": crypto.generate_key()}
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = "old"
    return settings


def add_new_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = {
        **settings.FIELD_ENCRYPTION_KEYS,
        "new": crypto.generate_key(),
    }
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = "new"


def rotate(*args) -> str:
    out = StringIO()
    call_command("rotate_field_keys", *args, stdout=out)
    return out.getvalue()


def test_rotation_moves_everything_and_is_idempotent(old_key, client_for, person, other_person):
    mine = client_for(person)
    for kind in ("aadhaar", "pan", "business", "bank"):
        assert submit(mine, kind).status_code == 201
    theirs = client_for(other_person)
    submit(theirs, "aadhaar", aadhaar_number=AADHAAR_2, name="Priya Patel")
    submit(theirs, "pan", pan_number=PAN_2, name="Priya Patel")

    add_new_key(old_key)
    # Before rotation, old rows stay readable and new ones use the new key.
    record = KycRecord.objects.get(user=person, kind="pan")
    assert vault.record_number_reveal(record) == PAN
    assert "Re-encrypted" not in rotate("--dry-run")
    assert "2 vault entries, 4 record numbers" in rotate("--dry-run")

    output = rotate("--batch-size", "1")

    assert "2 vault entries and 4 record numbers under key new" in output
    assert set(AadhaarVault.objects.values_list("key_id", flat=True)) == {"new"}
    assert set(
        KycRecord.objects.exclude(number_ciphertext="").values_list("number_key_id", flat=True)
    ) == {"new"}
    assert all(
        t.startswith("v1:new:") for t in AadhaarVault.objects.values_list("ciphertext", flat=True)
    )
    # One audit event per batch of one.
    assert AuditEvent.objects.filter(action="kyc.field_keys_rotated").count() == 6

    # The old key can now be retired: everything still decrypts.
    old_key.FIELD_ENCRYPTION_KEYS = {"new": old_key.FIELD_ENCRYPTION_KEYS["new"]}
    plain = {r.kind: vault.record_number_reveal(r) for r in KycRecord.objects.filter(user=person)}
    assert plain == {"aadhaar": AADHAAR, "pan": PAN, "business": GSTIN, "bank": ACCOUNT}
    # Blind indexes do not depend on the encryption key: uniqueness still holds.
    stranger = UserFactory(mobile="+919800000099")
    assert submit(client_for(stranger), "pan").status_code == 201
    assert KycRecord.objects.get(user=stranger, kind="pan").held_elsewhere
    assert client_for(person).get(status_url("pan")).json()["pan_number"] == "XXXXXX234F"

    again = rotate()
    assert "0 vault entries and 0 record numbers" in again
    assert AuditEvent.objects.filter(action="kyc.field_keys_rotated").count() == 6


def test_rotation_stops_cleanly_on_an_unknown_key(old_key, client_for, person):
    submit(client_for(person), "pan")
    old_key.FIELD_ENCRYPTION_KEYS = {"new": crypto.generate_key()}
    old_key.FIELD_ENCRYPTION_ACTIVE_KEY = "new"
    with pytest.raises(CommandError, match="old") as excinfo:
        rotate()
    assert PAN not in str(excinfo.value)
    assert KycRecord.objects.get().number_key_id == "old"


def test_batch_size_must_be_positive():
    with pytest.raises(CommandError):
        rotate("--batch-size", "0")
