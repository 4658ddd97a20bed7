"""Staff decisions on KYC submissions: approve, reject, ask for a resubmission.

Each decision locks the record, checks the state it starts from, and is an
audit event in the same transaction. Nobody decides on their own KYC.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from accounts.models import User
from audit.services import audit_record
from config.exceptions import Conflict
from kyc.models import KycRecord, KycStatus

APPROVABLE = (KycStatus.PENDING_REVIEW,)
REJECTABLE = (KycStatus.PENDING, KycStatus.PENDING_REVIEW, KycStatus.VERIFIED)
RETURNABLE = (KycStatus.PENDING_REVIEW, KycStatus.VERIFIED)
REASON_MAX = 1000
_VERBS = {
    KycStatus.VERIFIED: "approved",
    KycStatus.REJECTED: "rejected",
    KycStatus.RESUBMISSION_REQUIRED: "returned for resubmission",
}


def _reason(reason: str) -> str:
    text = " ".join(str(reason or "").split())
    if not text:
        raise ValidationError({"reason": ["A reason is required."]})
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": [f"At most {REASON_MAX} characters."]})
    return text


def _decide(
    *,
    record_id: int,
    reviewer: User,
    allowed_from: tuple[str, ...],
    status: str,
    action: str,
    reason: str = "",
    note: str = "",
) -> KycRecord:
    with transaction.atomic():
        record = KycRecord.objects.select_for_update().get(pk=record_id)
        if record.user_id == reviewer.pk:
            raise PermissionDenied("You cannot review your own KYC.")
        if not record.is_current:
            raise Conflict("This submission has been replaced by a newer one.")
        if record.status not in allowed_from:
            raise Conflict(f"A submission in status {record.status!r} cannot be {_VERBS[status]}.")
        if status == KycStatus.VERIFIED and record.held_elsewhere:
            raise Conflict(
                "This number is held by another account's submission; reject this one "
                "or resolve the other claim first (see the security findings)."
            )
        before = {"status": record.status, "verified_at": record.verified_at}
        now = timezone.now()
        record.status = status
        record.reviewed_by = reviewer
        record.reviewed_at = now
        record.rejection_reason = reason
        record.review_note = note
        record.verified_at = now if status == KycStatus.VERIFIED else None
        record.save(
            update_fields=[
                "status",
                "reviewed_by",
                "reviewed_at",
                "rejection_reason",
                "review_note",
                "verified_at",
                "updated_at",
            ]
        )
        audit_record(
            action=action,
            actor=reviewer,
            target=record,
            description=reason or note,
            before=before,
            after={
                "status": record.status,
                "verified_at": record.verified_at,
                "kind": record.kind,
                "number": record.number_masked,
                "reason": reason,
            },
        )
    return record


def kyc_approve(*, record_id: int, reviewer: User, note: str = "") -> KycRecord:
    return _decide(
        record_id=record_id,
        reviewer=reviewer,
        allowed_from=APPROVABLE,
        status=KycStatus.VERIFIED,
        action="kyc.record_approved",
        note=" ".join(str(note or "").split())[:REASON_MAX],
    )


def kyc_reject(*, record_id: int, reviewer: User, reason: str) -> KycRecord:
    return _decide(
        record_id=record_id,
        reviewer=reviewer,
        allowed_from=REJECTABLE,
        status=KycStatus.REJECTED,
        action="kyc.record_rejected",
        reason=_reason(reason),
    )


def kyc_request_resubmission(*, record_id: int, reviewer: User, reason: str) -> KycRecord:
    return _decide(
        record_id=record_id,
        reviewer=reviewer,
        allowed_from=RETURNABLE,
        status=KycStatus.RESUBMISSION_REQUIRED,
        action="kyc.resubmission_requested",
        reason=_reason(reason),
    )
