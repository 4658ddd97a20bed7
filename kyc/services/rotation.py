"""Re-encrypting every stored identity number under the active key.

Rows are moved in batches, each batch in its own transaction with its rows
locked and one audit event, so a run can stop anywhere and the next one picks up
where it left off; rows already under the active key are never touched, so a
second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from kyc import crypto, vault
from kyc.models import AadhaarVault, KycRecord


@dataclass(frozen=True)
class RotationResult:
    key_id: str
    vault_entries: int
    records: int


def field_keys_pending(*, key_id: str | None = None) -> dict[str, int]:
    """How many values are not yet under the active key."""
    key_id = key_id or crypto.active_key_id()
    return {
        "vault_entries": AadhaarVault.objects.exclude(key_id=key_id).count(),
        "records": KycRecord.objects.exclude(number_ciphertext="")
        .exclude(number_key_id=key_id)
        .count(),
    }


def _rotate_vault_batch(key_id: str, batch_size: int, actor) -> int:
    with transaction.atomic():
        entries = list(
            AadhaarVault.objects.select_for_update()
            .exclude(key_id=key_id)
            .order_by("pk")[:batch_size]
        )
        if not entries:
            return 0
        now = timezone.now()
        for entry in entries:
            entry.ciphertext = crypto.reencrypt(entry.ciphertext, context=vault.AADHAAR_CONTEXT)
            entry.key_id = crypto.key_id_of(entry.ciphertext)
            entry.rotated_at = now
        AadhaarVault.objects.bulk_update(entries, ["ciphertext", "key_id", "rotated_at"])
        audit_record(
            action="kyc.field_keys_rotated",
            actor=actor,
            target_type=AadhaarVault._meta.label_lower,
            description=f"Re-encrypted {len(entries)} Aadhaar vault entries under key {key_id}",
            after={"table": AadhaarVault._meta.db_table, "count": len(entries), "key_id": key_id},
        )
        return len(entries)


def _rotate_record_batch(key_id: str, batch_size: int, actor) -> int:
    with transaction.atomic():
        records = list(
            KycRecord.objects.select_for_update()
            .exclude(number_ciphertext="")
            .exclude(number_key_id=key_id)
            .order_by("pk")
            .only("pk", "kind", "number_ciphertext", "number_key_id")[:batch_size]
        )
        if not records:
            return 0
        for record in records:
            context = vault.RECORD_CONTEXTS[record.kind]
            record.number_ciphertext = crypto.reencrypt(record.number_ciphertext, context=context)
            record.number_key_id = crypto.key_id_of(record.number_ciphertext)
        KycRecord.objects.bulk_update(records, ["number_ciphertext", "number_key_id"])
        audit_record(
            action="kyc.field_keys_rotated",
            actor=actor,
            target_type=KycRecord._meta.label_lower,
            description=f"Re-encrypted {len(records)} KYC record numbers under key {key_id}",
            after={"table": KycRecord._meta.db_table, "count": len(records), "key_id": key_id},
        )
        return len(records)


def field_keys_rotate(
    *, batch_size: int = 500, actor=None, on_progress: Callable[[int], None] | None = None
) -> RotationResult:
    """Move every ciphertext to the active key; raises `DecryptionError` on an unreadable one.

    `on_progress` is told how many values each committed batch moved.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    key_id = crypto.active_key_id()
    vault_entries = records = 0
    while moved := _rotate_vault_batch(key_id, batch_size, actor):
        vault_entries += moved
        if on_progress is not None:
            on_progress(moved)
    while moved := _rotate_record_batch(key_id, batch_size, actor):
        records += moved
        if on_progress is not None:
            on_progress(moved)
    return RotationResult(key_id=key_id, vault_entries=vault_entries, records=records)
