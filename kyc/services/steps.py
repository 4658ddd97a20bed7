"""The steps every KYC submission shares: limits, field checks, claims, storing, the code.

Every submission is a new record; the person's previous one for that document
becomes history. A number already held by someone else is refused, except when
their hold is an unconfirmed submission left to go stale, which is expired.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import OtpChallenge, OtpPurpose, User
from accounts.services.otp import otp_issue
from audit.services import audit_record
from config import ratelimit
from config.exceptions import Conflict
from config.ratelimit import Rule
from kyc.models import (
    CLAIMING_STATUSES,
    RESUBMITTABLE_STATUSES,
    KycKind,
    KycRecord,
    KycStatus,
)

# Each submission sends a code by SMS and e-mail; this bounds what one account can cost.
SUBMISSIONS = Rule("kyc_submit", limit=10, window=3600)

OTP_PURPOSES = {
    KycKind.AADHAAR: OtpPurpose.KYC_AADHAAR,
    KycKind.PAN: OtpPurpose.KYC_PAN,
    KycKind.BUSINESS: OtpPurpose.KYC_BUSINESS,
    KycKind.BANK: OtpPurpose.KYC_BANK,
}

NAME_MAX = 200
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Submission:
    record: KycRecord
    challenge: OtpChallenge
    # Known at submission: why the record will wait for a person once its code is entered.
    expected_review: str = ""


def unconfirmed_ttl() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "KYC_UNCONFIRMED_TTL_MINUTES", 60)))


class FieldErrors(dict):
    """Collects every field's problem, so one reply names them all."""

    def check(self, field: str, func, value):
        try:
            return func(value)
        except ValidationError as exc:
            self[field] = exc.messages
            return None

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def clean_name(value: str) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        raise ValidationError("This field may not be blank.", code="blank")
    if len(name) > NAME_MAX:
        raise ValidationError(f"At most {NAME_MAX} characters.", code="max_length")
    if not _LETTER.search(name):
        raise ValidationError("A name must contain letters.", code="invalid_format")
    return name


def choice_of(choices):
    def check(value: str) -> str:
        if value not in choices.values:
            raise ValidationError(
                f"{value!r} is not one of: {', '.join(choices.values)}.", code="invalid_choice"
            )
        return value

    return check


def past_date(value: datetime.date | None) -> datetime.date | None:
    if value is not None and value > timezone.localdate():
        raise ValidationError("The date cannot be in the future.", code="future_date")
    return value


def submission_start(user: User) -> None:
    ratelimit.consume(SUBMISSIONS, str(user.pk), "Too many KYC submissions; try again later.")
    if not (user.mobile or user.email):
        raise Conflict(
            "Add a mobile number or an e-mail address to your account first: "
            "the confirmation code is sent there."
        )


def is_stale(record: KycRecord) -> bool:
    challenge = record.otp_challenge
    confirmed = record.otp_confirmed_at is not None or (
        challenge is not None and challenge.verified_at is not None
    )
    return (
        record.status == KycStatus.PENDING
        and not confirmed
        and record.submitted_at < timezone.now() - unconfirmed_ttl()
    )


def record_expire(*, record: KycRecord, reason: str) -> None:
    """Mark an unconfirmed submission expired, releasing its number (caller holds the lock)."""
    record.status = KycStatus.EXPIRED
    record.save(update_fields=["status", "updated_at"])
    audit_record(
        action="kyc.record_expired",
        target=record,
        description=reason,
        before={"status": KycStatus.PENDING},
        after={"status": KycStatus.EXPIRED},
    )


def live_holder(*, user: User, kind: str, holds: Q) -> KycRecord | None:
    """Another account's record that holds the number now; stale unconfirmed holds expire."""
    holders = (
        KycRecord.objects.select_for_update()
        .filter(holds, kind=kind, is_current=True, status__in=CLAIMING_STATUSES)
        .filter(held_elsewhere=False)
        .exclude(user=user)
        .order_by("pk")
    )
    for holder in holders:
        if not is_stale(holder):
            return holder
        record_expire(
            record=holder, reason="Unconfirmed submission expired: the number was claimed again."
        )
    return None


def ensure_unclaimed(*, user: User, kind: str, holds: Q, label: str) -> None:
    if live_holder(user=user, kind=kind, holds=holds) is not None:
        raise Conflict(f"This {label} is already linked to another account.")


def current_for_update(user: User, kind: str) -> KycRecord | None:
    current = (
        KycRecord.objects.select_for_update().filter(user=user, kind=kind, is_current=True).first()
    )
    if current is not None and current.status not in RESUBMITTABLE_STATUSES:
        if current.status == KycStatus.VERIFIED:
            raise Conflict(f"Your {KycKind(kind).label} is already verified.")
        raise Conflict(f"Your {KycKind(kind).label} is being reviewed; wait for the decision.")
    return current


def save_and_send(*, user: User, record: KycRecord, current: KycRecord | None) -> Submission:
    """Retire the previous record, store this one and send its code (inside the caller's transaction)."""
    if current is not None:
        current.is_current = False
        fields = ["is_current", "updated_at"]
        if current.status == KycStatus.PENDING:
            current.status = KycStatus.EXPIRED
            fields.append("status")
        current.save(update_fields=fields)
    challenge = otp_issue(
        purpose=OTP_PURPOSES[record.kind],
        user=user,
        mobile=user.mobile,
        email=user.email,
        payload={"kyc_type": record.kind},
    )
    record.otp_challenge = challenge
    try:
        with transaction.atomic():
            record.save(force_insert=True)
    except IntegrityError:
        # Lost a race with a simultaneous submission of the same number or document.
        raise Conflict(
            "Another submission for this document or number was made at the same time; "
            "check your KYC status and try again."
        ) from None
    audit_record(
        action="kyc.record_submitted",
        actor=user,
        target=record,
        description=f"{record.get_kind_display()} submitted for verification",
        after={
            "kind": record.kind,
            "status": record.status,
            "number": record.number_masked,
            "replaces": current.pk if current is not None else None,
            "held_elsewhere": record.held_elsewhere,
        },
    )
    return Submission(record=record, challenge=challenge)
