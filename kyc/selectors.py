"""Reads of the KYC app: a person's own records, their overall status, staff lists, reports."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from kyc.models import OPEN_STATUSES, IfscBranch, KycKind, KycRecord, KycStatus

KIND_ORDER = (KycKind.AADHAAR, KycKind.PAN, KycKind.BUSINESS, KycKind.BANK)
NOT_SUBMITTED = "not_submitted"

# Words of seed 000's next steps ("Complete Business KYC", "Submit Bank Details").
_SHORT = {
    KycKind.AADHAAR: "Aadhaar",
    KycKind.PAN: "PAN",
    KycKind.BUSINESS: "Business",
    KycKind.BANK: "Bank",
}


class OverallStatus:
    VERIFIED = "verified"
    PARTIALLY_VERIFIED = "partially_verified"
    PENDING = "pending"
    ACTION_REQUIRED = "action_required"
    NOT_STARTED = "not_started"

    choices = (
        (VERIFIED, "All four documents verified"),
        (PARTIALLY_VERIFIED, "Some documents verified"),
        (PENDING, "Waiting for confirmation or review"),
        (ACTION_REQUIRED, "A document was rejected or must be resubmitted"),
        (NOT_STARTED, "Nothing submitted"),
    )


def _base() -> QuerySet[KycRecord]:
    return KycRecord.objects.select_related("user", "otp_challenge", "reviewed_by")


def current_records(user) -> dict[str, KycRecord]:
    records = KycRecord.objects.select_related("otp_challenge").filter(user=user, is_current=True)
    return {record.kind: record for record in records}


def current_record(user, kind: str) -> KycRecord | None:
    return (
        KycRecord.objects.select_related("otp_challenge")
        .filter(user=user, kind=kind, is_current=True)
        .first()
    )


def _next_step(kind: str, record: KycRecord | None) -> str | None:
    if record is None or record.status == KycStatus.EXPIRED:
        return f"Submit {_SHORT[kind]} Details"
    if record.status == KycStatus.PENDING:
        return f"Complete {_SHORT[kind]} KYC"
    if record.status in (KycStatus.REJECTED, KycStatus.RESUBMISSION_REQUIRED):
        return f"Resubmit {_SHORT[kind]} KYC"
    return None


def overview(records: Mapping[str, KycRecord]) -> dict:
    """Seed 000's overall KYC status, computed from a person's current records.

    A document counts towards completion once it is submitted and not turned
    down (25 points each); the overall score is the mean score of the verified
    documents, rounded down so it never overstates.
    """
    statuses = {kind: getattr(records.get(kind), "status", NOT_SUBMITTED) for kind in KIND_ORDER}
    completed = sum(statuses[kind] in (*OPEN_STATUSES, KycStatus.VERIFIED) for kind in KIND_ORDER)
    verified = [records[k] for k in KIND_ORDER if statuses[k] == KycStatus.VERIFIED]
    values = set(statuses.values())
    if len(verified) == len(KIND_ORDER):
        overall = OverallStatus.VERIFIED
    elif verified:
        overall = OverallStatus.PARTIALLY_VERIFIED
    elif values & set(OPEN_STATUSES):
        overall = OverallStatus.PENDING
    elif values & {KycStatus.REJECTED, KycStatus.RESUBMISSION_REQUIRED}:
        overall = OverallStatus.ACTION_REQUIRED
    else:
        overall = OverallStatus.NOT_STARTED
    scores = [r.verification_score for r in verified if r.verification_score is not None]
    reply = {
        "completion_percentage": completed * 100 // len(KIND_ORDER),
        "status": overall,
        "overall_score": math.floor(sum(scores) / len(scores)) if scores else None,
        "next_steps": [
            step for kind in KIND_ORDER if (step := _next_step(kind, records.get(kind)))
        ],
    }
    for kind in KIND_ORDER:
        record = records.get(kind)
        reply[kind] = {
            "status": statuses[kind],
            "verification_score": getattr(record, "verification_score", None),
            "submitted_at": getattr(record, "submitted_at", None),
            "verified_at": getattr(record, "verified_at", None),
            "rejection_reason": getattr(record, "rejection_reason", "") or None,
        }
    return reply


def kyc_overview(user) -> dict:
    return overview(current_records(user))


def kyc_status_by_user(user_ids: Iterable[int]) -> dict[int, str]:
    """Overall KYC status per user id, in one query (for people lists of other apps)."""
    ids = list(user_ids)
    grouped: dict[int, dict[str, KycRecord]] = {pk: {} for pk in ids}
    # Everything `overview` reads, or each record would load the rest one field at a time.
    fields = (
        "pk",
        "user_id",
        "kind",
        "status",
        "verification_score",
        "submitted_at",
        "verified_at",
        "rejection_reason",
    )
    for record in KycRecord.objects.filter(user_id__in=ids, is_current=True).only(*fields):
        grouped[record.user_id][record.kind] = record
    return {pk: overview(records)["status"] for pk, records in grouped.items()}


def kyc_status_counts() -> dict[str, int]:
    """How many people `overview` calls verified and pending, counted in the database."""
    per_user = (
        KycRecord.objects.filter(is_current=True)
        .order_by()
        .values("user_id")
        .annotate(
            verified=Count("id", filter=Q(status=KycStatus.VERIFIED, kind__in=KIND_ORDER)),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES, kind__in=KIND_ORDER)),
        )
    )
    # Counting over the per-user counts needs them as a subquery (a HAVING per filter).
    return {
        "verified": per_user.filter(verified=len(KIND_ORDER)).count(),
        "pending": per_user.filter(verified=0, open__gt=0).count(),
    }


# --- Staff ---------------------------------------------------------------------


def records_for_staff() -> QuerySet[KycRecord]:
    return _base().order_by("-submitted_at", "-id")


def _since(queryset: QuerySet[KycRecord], days: int | None) -> QuerySet[KycRecord]:
    if days:
        queryset = queryset.filter(submitted_at__gte=timezone.now() - timedelta(days=days))
    return queryset


def pending_records(*, days: int | None = None) -> QuerySet[KycRecord]:
    """Current submissions still open, oldest first (the review queue)."""
    queryset = _base().filter(is_current=True, status__in=OPEN_STATUSES)
    return _since(queryset, days).order_by("submitted_at", "id")


def records_by_status(status: str, *, days: int | None = None) -> QuerySet[KycRecord]:
    queryset = _base().filter(is_current=True, status=status)
    return _since(queryset, days).order_by("-submitted_at", "-id")


def _duration_text(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = round(seconds / size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "less than a minute"


def kyc_report(*, days: int | None = None, status: str | None = None, pending_limit: int = 10):
    """Counts by status and type, verification rate and time, and the oldest open items."""
    scope = _since(KycRecord.objects.filter(is_current=True), days)
    if status:
        scope = scope.filter(status=status)
    by_status = dict.fromkeys(KycStatus.values, 0)
    by_type = {kind: dict.fromkeys(KycStatus.values, 0) for kind in KycKind.values}
    for row in scope.values("kind", "status").annotate(n=Count("id")).order_by():
        by_status[row["status"]] += row["n"]
        by_type[row["kind"]][row["status"]] = row["n"]
    total = sum(by_status.values())
    verified = by_status[KycStatus.VERIFIED]
    taken = (
        scope.filter(status=KycStatus.VERIFIED)
        .annotate(
            taken=ExpressionWrapper(
                F("verified_at") - F("submitted_at"), output_field=DurationField()
            )
        )
        .aggregate(avg=Avg("taken"))["avg"]
    )
    seconds = taken.total_seconds() if taken is not None else None
    return {
        "total_users": scope.values("user_id").distinct().count(),
        "total_submissions": total,
        "verified": verified,
        "pending": by_status[KycStatus.PENDING] + by_status[KycStatus.PENDING_REVIEW],
        "rejected": by_status[KycStatus.REJECTED] + by_status[KycStatus.RESUBMISSION_REQUIRED],
        "verification_rate": (verified * 200 + total) // (2 * total) if total else 0,
        "average_verification_time": _duration_text(seconds),
        "average_verification_seconds": round(seconds) if seconds is not None else None,
        "by_status": by_status,
        "by_type": by_type,
        "pending_kyc": list(pending_records(days=days)[:pending_limit]),
        "days": days,
        "status": status,
    }


# --- The IFSC directory ---------------------------------------------------------------


def ifsc_branch(code: str) -> IfscBranch | None:
    """The branch an (upper-case, 11-character) IFSC names, if the directory lists it."""
    return IfscBranch.objects.filter(ifsc=code).first()


def ifsc_branches(codes: Iterable[str]) -> dict[str, IfscBranch]:
    return {branch.ifsc: branch for branch in IfscBranch.objects.filter(ifsc__in=set(codes))}
