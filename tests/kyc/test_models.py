"""The database itself refuses what the services refuse: one holder per number, one current record."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from kyc.models import AadhaarVault, KycRecord, KycStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_people():
    return UserFactory.create_batch(2)


def pan_record(user, index="same-index", **extra):
    return KycRecord(
        user=user,
        kind="pan",
        holder_name="X",
        number_ciphertext="v1:k0:x",
        number_key_id="k0",
        number_index=index,
        **extra,
    )


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_same_pan_index_cannot_be_held_by_two_people(two_people):
    a, b = two_people
    pan_record(a).save()
    assert refused(lambda: pan_record(b).save())
    # A rejected claim does not hold the number.
    KycRecord.objects.update(status=KycStatus.REJECTED, rejection_reason="No")
    pan_record(b).save()


def test_same_aadhaar_cannot_be_held_by_two_people(two_people):
    a, b = two_people
    entry = AadhaarVault.objects.create(ciphertext="v1:k0:x", key_id="k0", blind_index="i")
    KycRecord.objects.create(user=a, kind="aadhaar", holder_name="X", aadhaar_ref=entry)
    assert refused(
        lambda: KycRecord.objects.create(user=b, kind="aadhaar", holder_name="Y", aadhaar_ref=entry)
    )


def test_vault_blind_index_is_unique():
    AadhaarVault.objects.create(ciphertext="v1:k0:x", key_id="k0", blind_index="i")
    assert refused(
        lambda: AadhaarVault.objects.create(ciphertext="v1:k0:y", key_id="k0", blind_index="i")
    )


def test_one_current_record_per_document(two_people):
    a, _ = two_people
    pan_record(a, index="1").save()
    assert refused(lambda: pan_record(a, index="2").save())
    pan_record(a, index="3", is_current=False, status=KycStatus.EXPIRED).save()


def test_row_invariants(two_people):
    a, _ = two_people
    assert refused(lambda: KycRecord.objects.create(user=a, kind="aadhaar", holder_name="X"))
    assert refused(lambda: pan_record(a, index="").save())
    assert refused(lambda: pan_record(a, status=KycStatus.VERIFIED).save())
    assert refused(lambda: pan_record(a, status=KycStatus.REJECTED).save())
    assert refused(lambda: pan_record(a, verification_score=101).save())
    pan_record(a, status=KycStatus.VERIFIED, verified_at=timezone.now()).save()


def test_process_command(two_people):
    out = StringIO()
    call_command("process_kyc_submissions", stdout=out)
    assert "Processed 0 confirmed submission(s); expired 0 unconfirmed." in out.getvalue()
