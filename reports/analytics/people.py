"""Figures over accounts and backups: users, archived users, admins, backups."""

from django.db.models import Count, Max, Q, Sum

from accounts.models import AccountStatus, StaffType, SubscriberType, User
from audit.models import Backup
from audit.models_backup import BackupStatus
from reports.analytics.aggregates import count, counts_by, pick
from reports.analytics.window import Window, daily, monthly

STATUSES = AccountStatus.values
SUBSCRIBER_TYPES = SubscriberType.values
STAFF_TYPES = StaffType.values


def users(window: Window) -> dict:
    """Every account by status and kind, and the sign-ups of the window: two queries."""
    totals = User.objects.aggregate(
        total=Count("pk"),
        staff=count(Q(is_staff=True)),
        subscribers=count(~Q(subscriber_type="")),
        email_verified=count(Q(is_email_verified=True)),
        phone_verified=count(Q(is_phone_verified=True)),
        two_factor_enabled=count(Q(two_factor_enabled=True)),
        signups_in_window=count(window.q("date_joined")),
        **counts_by("status", STATUSES),
        **counts_by("subscriber_type", SUBSCRIBER_TYPES),
    )
    return {
        "window": window.as_dict(),
        "by_status": pick(totals, "status", STATUSES),
        "by_subscriber_type": pick(totals, "subscriber_type", SUBSCRIBER_TYPES),
        "totals": totals,
        "series": daily(User.objects.all(), "date_joined", window, signups=Count("pk")),
    }


def users_archive(window: Window, *, months: int = 12) -> dict:
    """Archived accounts: totals, by kind, daily over the window and monthly: three queries.

    An account's archive date is when its status last changed (to archived).
    """
    archived = User.objects.filter(status=AccountStatus.ARCHIVED)
    totals = archived.aggregate(
        archived_total=Count("pk"),
        archived_in_window=count(window.q("status_changed_at")),
        staff=count(Q(is_staff=True)),
        **counts_by("subscriber_type", SUBSCRIBER_TYPES),
    )
    return {
        "window": window.as_dict(),
        "archived_total": totals.pop("archived_total"),
        "archived_in_window": totals.pop("archived_in_window"),
        "by_kind": {
            **pick(totals, "subscriber_type", SUBSCRIBER_TYPES),
            "staff": totals.pop("staff"),
        },
        "series": daily(archived, "status_changed_at", window, archived=Count("pk")),
        "monthly": monthly(archived, "status_changed_at", months, archived=Count("pk")),
    }


def admins(window: Window) -> dict:
    """Staff accounts by status and kind, sign-ins and new staff: two queries."""
    staff = User.objects.filter(is_staff=True)
    totals = staff.aggregate(
        total=Count("pk"),
        superusers=count(Q(is_superuser=True)),
        two_factor_enabled=count(Q(two_factor_enabled=True)),
        signed_in_in_window=count(window.q("last_login")),
        new_in_window=count(window.q("date_joined")),
        **counts_by("status", STATUSES),
        **counts_by("user_type", STAFF_TYPES),
    )
    return {
        "window": window.as_dict(),
        "by_status": pick(totals, "status", STATUSES),
        "by_staff_type": pick(totals, "user_type", STAFF_TYPES),
        "totals": totals,
        "series": daily(staff, "date_joined", window, new_admins=Count("pk")),
    }


def backups(window: Window) -> dict:
    """Backups by status, their size, the last good one, and per day: two queries."""
    done = Q(status=BackupStatus.COMPLETED)
    totals = Backup.objects.aggregate(
        total=Count("pk"),
        in_window=count(window.q("created_at")),
        completed_size_bytes=Sum("size_bytes", filter=done),
        last_completed_at=Max("completed_at", filter=done),
        **counts_by("status", BackupStatus.values),
    )
    by_status = pick(totals, "status", BackupStatus.values)
    finished = by_status[BackupStatus.COMPLETED] + by_status["failed"]
    return {
        "window": window.as_dict(),
        "by_status": by_status,
        "total": totals["total"],
        "in_window": totals["in_window"],
        "completed_size_bytes": totals["completed_size_bytes"] or 0,
        "last_completed_at": totals["last_completed_at"],
        "success_rate": round(by_status[BackupStatus.COMPLETED] / finished, 4) if finished else 0.0,
        "series": daily(
            Backup.objects.all(),
            "created_at",
            window,
            backups=Count("pk"),
            completed=count(done),
            failed=count(Q(status=BackupStatus.FAILED)),
            size_bytes=Sum("size_bytes", filter=done, default=0),
        ),
    }
