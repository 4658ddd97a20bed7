"""Reads over the audit trail and the API request log, aggregated in the database."""

from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone

from audit.models import ApiRequestLog, AuditEvent


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


# Seed 000 names audit actions by what happened ("login"); the trail records each
# as `<app>.<event>`. A filter by a seed name finds the actions it stands for.
SEED_ACTIONS = {
    "login": ("auth.login_succeeded",),
    "failed_login": ("auth.login_failed",),
    "login_failed": ("auth.login_failed",),
    "logout": ("auth.logout",),
    "register": ("auth.registered", "accounts.profile_registered"),
    "registration": ("auth.registered", "accounts.profile_registered"),
    "password_change": ("auth.password_changed",),
    "password_reset": ("auth.password_reset",),
    "profile_update": (
        "accounts.profile_updated",
        "accounts.email_changed",
        "accounts.mobile_changed",
        "accounts.preferences_updated",
    ),
    "kyc_submission": ("kyc.record_submitted",),
    "kyc_verification": ("kyc.record_approved", "kyc.record_rejected"),
    "block": ("accounts.user_blocked",),
    "unblock": ("accounts.user_unblocked",),
    "role_change": ("accounts.role_assigned", "accounts.role_revoked"),
}


def _action_q(action: str) -> Q:
    condition = Q(action=action) | Q(action__endswith=f".{action}")
    for name in SEED_ACTIONS.get(action, ()):
        condition |= Q(action=name)
    return condition


def audit_events(
    *,
    action: str | None = None,
    user_id: int | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    days: int | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
):
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(_action_q(action))
    if user_id:
        events = events.filter(
            Q(actor_id=user_id) | Q(target_type="accounts.user", target_id=str(user_id))
        )
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=str(target_id))
    if days:
        events = events.filter(created_at__gte=timezone.now() - timedelta(days=days))
    if start_date:
        events = events.filter(created_at__gte=_start_of(start_date))
    if end_date:
        events = events.filter(created_at__lt=_start_of(end_date + timedelta(days=1)))
    return events.order_by("-id")


def user_audit_summary(user_id: int, days: int) -> dict:
    events = audit_events(user_id=user_id, days=days)
    by_type = events.order_by().values("action").annotate(n=Count("id")).order_by("-n", "action")
    return {
        "user_id": user_id,
        "total_actions": events.count(),
        "actions_by_type": {row["action"]: row["n"] for row in by_type},
        "recent_actions": list(events[:20]),
        "days": days,
    }


def _hour_range(hour: int) -> str:
    return f"{hour:02d}:00-{(hour + 1) % 24:02d}:00"


def audit_statistics() -> dict:
    now = timezone.now()
    today = _start_of(timezone.localdate())
    counts = AuditEvent.objects.aggregate(
        total_events=Count("id"),
        today=Count("id", filter=Q(created_at__gte=today)),
        this_week=Count("id", filter=Q(created_at__gte=today - timedelta(days=today.weekday()))),
        this_month=Count("id", filter=Q(created_at__gte=today.replace(day=1))),
    )
    top = (
        AuditEvent.objects.order_by()
        .values("action")
        .annotate(n=Count("id"))
        .order_by("-n", "action")[:5]
    )
    peaks = (
        AuditEvent.objects.filter(created_at__gte=now - timedelta(days=30))
        .annotate(hour=ExtractHour("created_at"))
        .order_by()
        .values("hour")
        .annotate(n=Count("id"))
        .order_by("-n", "hour")[:3]
    )
    return {
        **counts,
        "top_actions": [row["action"] for row in top],
        "peak_hours": [_hour_range(row["hour"]) for row in peaks],
    }


def api_statistics(hours: int) -> dict:
    """Figures over the last `hours` of the request log; the 95th percentile by one indexed read."""
    window = ApiRequestLog.objects.filter(created_at__gte=timezone.now() - timedelta(hours=hours))
    totals = window.aggregate(
        total=Count("id"),
        ok=Count("id", filter=Q(status_code__lt=400)),
        client_errors=Count("id", filter=Q(status_code__gte=400, status_code__lt=500)),
        server_errors=Count("id", filter=Q(status_code__gte=500)),
        average=Avg("duration_ms"),
    )
    total = totals["total"]
    p95 = None
    if total:
        p95 = window.order_by("duration_ms").values_list("duration_ms", flat=True)[
            min(total - 1, int(0.95 * total))
        ]
    top = (
        window.order_by()
        .values("method", "path")
        .annotate(requests=Count("id"), average_ms=Avg("duration_ms"))
        .order_by("-requests", "path")[:10]
    )

    def share(part: int) -> float:
        return round(100 * part / total, 2) if total else 0.0

    return {
        "hours": hours,
        "total_requests": total,
        "success_rate": share(totals["ok"]),
        "error_rate": share(totals["client_errors"] + totals["server_errors"]),
        "server_error_rate": share(totals["server_errors"]),
        "average_response_time": f"{round(totals['average'] or 0)}ms",
        "average_response_ms": round(totals["average"] or 0, 2),
        "p95_response_ms": round(p95, 2) if p95 is not None else None,
        "top_endpoints": [
            {
                "method": row["method"],
                "path": row["path"],
                "requests": row["requests"],
                "average_ms": round(row["average_ms"], 2),
            }
            for row in top
        ],
    }
