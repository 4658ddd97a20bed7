"""Reusable reads of the accounts app."""

import functools
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Avg, Count, F, Max, Prefetch, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone

from accounts import extensions
from accounts.models import (
    AccountStatus,
    AuthSession,
    LoginActivity,
    LoginEvent,
    Role,
    User,
    UserRole,
)
from accounts.phone import normalize_mobile

# Request fields that name a person, in the order they are looked at.
IDENTIFIER_FIELDS = ("email_or_mobile", "login_id", "username", "email", "phone_number", "mobile")


@dataclass(frozen=True)
class Identifier:
    field: str  # which column it names: "email", "mobile" or "username"
    value: str  # normalised, as stored

    @property
    def is_phone(self) -> bool:
        return self.field == "mobile"


def identifier_parse(request_field: str, raw: str) -> Identifier | None:
    """Normalise what the caller typed; None when it cannot name anyone."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if request_field == "email_or_mobile":
        request_field = "email" if "@" in raw else "mobile"
    if request_field in ("phone_number", "mobile"):
        try:
            return Identifier("mobile", normalize_mobile(raw))
        except ValidationError:
            return None
    if request_field == "email":
        return Identifier("email", raw.lower())
    return Identifier("username", raw.lower())


def user_by_identifier(identifier: Identifier | None) -> User | None:
    if identifier is None:
        return None
    lookup = {"username": "username__iexact", "email": "email__iexact", "mobile": "mobile"}
    return User.objects.filter(**{lookup[identifier.field]: identifier.value}).first()


# --- staff reads ---------------------------------------------------------------------------------


def users_for_staff():
    """Every account with what staff lists show: manager and live roles, in fixed queries."""

    return User.objects.select_related("manager").prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=UserRole.objects.active().select_related("role", "assigned_by"),
            to_attr="live_roles",
        )
    )


def user_statistics() -> dict:

    counts = User.objects.aggregate(
        total_users=Count("id"),
        active_users=Count("id", filter=Q(status=AccountStatus.ACTIVE)),
        blocked_users=Count("id", filter=Q(status=AccountStatus.BLOCKED)),
        inactive_users=Count(
            "id", filter=Q(status__in=[AccountStatus.DEACTIVATED, AccountStatus.PENDING_APPROVAL])
        ),
        archived_users=Count("id", filter=Q(status=AccountStatus.ARCHIVED)),
    )
    roles = (
        UserRole.objects.active()
        .values("role__name")
        .annotate(holders=Count("user", distinct=True))
        .order_by("role__name")
    )
    kyc = extensions.kyc_counts()
    counts["kyc_verified"], counts["kyc_pending"] = kyc["verified"], kyc["pending"]
    # Every role is listed, held or not, so a client reading a role's count finds it.
    counts["roles_distribution"] = {
        **dict.fromkeys(Role.objects.order_by("name").values_list("name", flat=True), 0),
        **{row["role__name"]: row["holders"] for row in roles},
    }
    kinds = User.objects.exclude(user_type="").values("user_type").annotate(n=Count("id"))
    counts["user_types"] = {row["user_type"]: row["n"] for row in kinds.order_by("user_type")}
    return counts


def login_activity_since(days: int):

    return LoginActivity.objects.filter(created_at__gte=timezone.now() - timedelta(days=days))


def login_statistics(days: int = 30) -> dict:

    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    window = login_activity_since(days)
    logins = window.filter(event=LoginEvent.LOGIN_SUCCEEDED)
    today_counts = LoginActivity.objects.filter(created_at__gte=today).aggregate(
        total_logins_today=Count("id", filter=Q(event=LoginEvent.LOGIN_SUCCEEDED)),
        total_failed_attempts=Count("id", filter=Q(event=LoginEvent.LOGIN_FAILED)),
        unique_users=Count("user", distinct=True, filter=Q(event=LoginEvent.LOGIN_SUCCEEDED)),
    )
    peak = (
        logins.annotate(hour=ExtractHour("created_at"))
        .values("hour")
        .annotate(n=Count("id"))
        .order_by("-n", "hour")
        .first()
    )
    duration = (
        AuthSession.objects.filter(created_at__gte=timezone.now() - timedelta(days=days))
        .aggregate(avg=Avg(F("last_used_at") - F("created_at")))
        .get("avg")
    )
    devices = logins.aggregate(
        mobile=Count("id", filter=~Q(device="")), desktop=Count("id", filter=Q(device=""))
    )
    return {
        **today_counts,
        "total_logins": logins.count(),
        "peak_time": f"{peak['hour']:02d}:00-{(peak['hour'] + 1) % 24:02d}:00" if peak else None,
        "average_session_duration": (
            f"{round(duration.total_seconds() / 60)} minutes" if duration is not None else None
        ),
        "devices": devices,
        "days": days,
    }


def failed_login_attempts(days: int = 30, top: int = 50) -> dict:

    failed = login_activity_since(days).filter(event=LoginEvent.LOGIN_FAILED)
    by_user = list(
        failed.exclude(user=None)
        .values("user_id")
        .annotate(failed_attempts=Count("id"), last_attempt=Max("created_at"))
        .order_by("-failed_attempts", "user_id")[:top]
    )
    addresses: dict[int, set[str]] = {row["user_id"]: set() for row in by_user}
    pairs = (
        failed.filter(user_id__in=addresses)
        .exclude(ip=None)
        .values_list("user_id", "ip")
        .distinct()
    )
    for user_id, ip in pairs:
        addresses[user_id].add(ip)
    for row in by_user:
        row["ip_addresses"] = sorted(addresses[row["user_id"]])
    return {
        "total_failed_attempts": failed.count(),
        "blocked_accounts": User.objects.filter(status=AccountStatus.BLOCKED).count(),
        "attempts_by_user": by_user,
        "days": days,
    }


def user_exists(*, user_id: int) -> bool:
    return User.objects.filter(pk=user_id).exists()


@dataclass(frozen=True)
class _Columns:
    """One model's columns in a hand-written SELECT, and how to make its instance."""

    model: type
    names: list[str]
    converters: list  # (index, field, functions) for the fields that convert

    @classmethod
    def of(cls, model, connection) -> "_Columns":
        fields = model._meta.concrete_fields
        converters = []
        for index, field in enumerate(fields):
            funcs = connection.ops.get_db_converters(field.get_col(model._meta.db_table))
            funcs += field.get_db_converters(connection)
            if funcs:
                converters.append((index, field, funcs))
        return cls(model, [f.attname for f in fields], converters)

    def load(self, values, connection):
        values = list(values)
        for index, field, funcs in self.converters:
            for func in funcs:
                values[index] = func(values[index], field, connection)
        return self.model.from_db(connection.alias, self.names, values)


@functools.cache
def _session_with_user_query(alias: str) -> tuple[str, _Columns, _Columns]:
    connection = connections[alias]
    quote = connection.ops.quote_name
    session, user = _Columns.of(AuthSession, connection), _Columns.of(User, connection)
    columns = [f"s.{quote(f.column)}" for f in AuthSession._meta.concrete_fields]
    columns += [f"u.{quote(f.column)}" for f in User._meta.concrete_fields]
    session_table, user_table = quote(AuthSession._meta.db_table), quote(User._meta.db_table)
    user_id = quote(AuthSession._meta.get_field("user").column)
    # Only quoted identifiers from the models' metadata; the id is a parameter.
    sql = (
        f"SELECT {', '.join(columns)} FROM {session_table} s "  # noqa: S608
        f"JOIN {user_table} u ON u.{quote(User._meta.pk.column)} = s.{user_id} "
        f"WHERE s.{quote(AuthSession._meta.pk.column)} = %s"
    )
    return sql, session, user


def session_with_user(*, session_id) -> AuthSession | None:
    """The session `session_id` with its user loaded, or None; one query.

    Every authenticated request asks this, so its SQL is built once per
    database and run as is: the ORM's compilation of the same
    `select_related` query cost about three times the query's round trip.
    The rows become model instances exactly as the ORM makes them
    (`Model.from_db`, with each field's database converters).
    """
    try:
        session_id = AuthSession._meta.pk.to_python(session_id)
    except ValidationError:
        return None
    alias = router.db_for_read(AuthSession)
    sql, session_columns, user_columns = _session_with_user_query(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [session_id])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(session_columns.names)
    session = session_columns.load(row[:split], connection)
    session.user = user_columns.load(row[split:], connection)
    return session
