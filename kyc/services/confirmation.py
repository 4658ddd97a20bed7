"""After the code: the verification provider scores the submission and decides its path.

A submission's code is confirmed either at POST /otp/verify_otp (the one OTP
endpoint, which only marks the challenge verified) or at POST /kyc/verify_otp
(which also processes the submission at once). `kyc_process_submissions`, run
every minute, processes whatever was confirmed the first way and expires
submissions whose code was never confirmed.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import NotFound

from accounts.models import User
from accounts.services.otp import otp_verify
from audit.services import audit_record
from config.exceptions import Conflict
from kyc.models import KycRecord, KycStatus
from kyc.providers import BuiltinProvider, auto_verify_threshold, get_provider, review_reason
from kyc.services.steps import OTP_PURPOSES, record_expire, unconfirmed_ttl

HELD_ELSEWHERE_CAP = BuiltinProvider.CRITICAL_CAP


def _confirmed(record: KycRecord) -> bool:
    challenge = record.otp_challenge
    return (
        challenge is not None
        and challenge.verified_at is not None
        and challenge.user_id == record.user_id
        and challenge.purpose == OTP_PURPOSES[record.kind]
    )


def _related(record: KycRecord) -> dict[str, KycRecord]:
    others = (
        KycRecord.objects.filter(user_id=record.user_id, is_current=True)
        .exclude(pk=record.pk)
        .exclude(status__in=[KycStatus.REJECTED, KycStatus.EXPIRED])
    )
    return {other.kind: other for other in others}


def kyc_confirm_submission(*, record_id: int) -> KycRecord:
    """Score a submission whose code was confirmed; verify it or send it to review.

    Safe to call any number of times: anything not waiting for this step is left alone.
    """
    record = KycRecord.objects.select_related("user", "otp_challenge", "aadhaar_ref").get(
        pk=record_id
    )
    if record.status != KycStatus.PENDING or not record.is_current or not _confirmed(record):
        return record
    provider = get_provider()
    # Outside the transaction: a real provider may take seconds over the network.
    result = provider.verify(record, related=_related(record))
    with transaction.atomic():
        locked = KycRecord.objects.select_for_update().get(pk=record_id)
        if locked.status != KycStatus.PENDING or not locked.is_current:
            return locked
        now = timezone.now()
        locked.otp_confirmed_at = record.otp_challenge.verified_at
        locked.verification_score = result.score
        locked.verification_checks = [check.as_dict() for check in result.checks]
        locked.verification_provider = provider.name
        if locked.held_elsewhere:
            # Nothing the documents say can make a number another account holds ours:
            # a failed critical check, as a contradiction would be, and a person decides.
            locked.verification_score = min(result.score, HELD_ELSEWHERE_CAP)
            locked.verification_checks.append(
                {"check": "number_not_held_elsewhere", "weight": 0, "score": 0.0}
            )
            locked.status = KycStatus.PENDING_REVIEW
            action = "kyc.record_sent_to_review"
            description = "The number is held by another account"
        elif result.score >= auto_verify_threshold():
            locked.status, locked.verified_at = KycStatus.VERIFIED, now
            action, description = "kyc.record_auto_verified", "Verified by the provider"
        else:
            locked.status = KycStatus.PENDING_REVIEW
            action, description = "kyc.record_sent_to_review", "Score below the threshold"
        if locked.status == KycStatus.PENDING_REVIEW:
            locked.review_reason = review_reason(
                locked.verification_checks,
                score=locked.verification_score,
                threshold=auto_verify_threshold(),
                held_elsewhere=locked.held_elsewhere,
            )
        locked.save(
            update_fields=[
                "otp_confirmed_at",
                "verification_score",
                "verification_checks",
                "verification_provider",
                "status",
                "verified_at",
                "review_reason",
                "updated_at",
            ]
        )
        audit_record(
            action=action,
            target=locked,
            description=f"{description} ({provider.name}, score {locked.verification_score})",
            before={"status": KycStatus.PENDING},
            after={
                "status": locked.status,
                "verification_score": locked.verification_score,
                "provider": provider.name,
                "review_reason": locked.review_reason,
            },
        )
    return locked


def kyc_challenge_verified(*, challenge_id) -> KycRecord | None:
    """Process the submission a just-verified code belongs to (for an OTP-verified hook)."""
    record_id = (
        KycRecord.objects.filter(otp_challenge_id=challenge_id).values_list("pk", flat=True).first()
    )
    return None if record_id is None else kyc_confirm_submission(record_id=record_id)


def kyc_confirm_with_code(*, user: User, request_id, otp: str) -> KycRecord:
    """Check the code of one of the caller's submissions and process it right away."""
    record = (
        KycRecord.objects.select_related("otp_challenge")
        .filter(user=user, otp_challenge_id=request_id)
        .first()
    )
    if record is None:
        raise NotFound("None of your KYC submissions has this request id.")
    if not record.is_current or record.status != KycStatus.PENDING:
        raise Conflict("This submission is no longer waiting for its code.")
    if record.otp_challenge.verified_at is None:
        otp_verify(request_id=request_id, code=otp, purposes={OTP_PURPOSES[record.kind]})
    return kyc_confirm_submission(record_id=record.pk)


def kyc_process_submissions(*, limit: int = 500) -> dict[str, int]:
    """Process confirmed submissions and expire the ones never confirmed in time."""
    confirmed_ids = list(
        KycRecord.objects.filter(
            status=KycStatus.PENDING,
            is_current=True,
            otp_challenge__verified_at__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    processed = sum(
        kyc_confirm_submission(record_id=pk).status != KycStatus.PENDING for pk in confirmed_ids
    )

    stale_ids = list(
        KycRecord.objects.filter(
            status=KycStatus.PENDING,
            otp_confirmed_at__isnull=True,
            submitted_at__lt=timezone.now() - unconfirmed_ttl(),
        )
        .exclude(otp_challenge__verified_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    expired = 0
    for pk in stale_ids:
        with transaction.atomic():
            record = KycRecord.objects.select_for_update().filter(pk=pk).first()
            # The code may have been entered since the list was read.
            if record is not None and record.status == KycStatus.PENDING and not _confirmed(record):
                record_expire(record=record, reason="The confirmation code was never entered.")
                expired += 1
    return {"processed": processed, "expired": expired}
