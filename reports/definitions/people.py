"""Reports over accounts: users, archived users, admins, sessions, roles and permissions."""

from accounts.models import AccountStatus, AuthSession, Role, User
from reports.registry import Column, Filter, Report, register

STAFF = "reports.run_report"

_USER_COLUMNS = (
    Column("user_id", "id"),
    Column("username", "username"),
    Column("first_name", "first_name"),
    Column("last_name", "last_name"),
    Column("email", "email"),
    Column("phone_number", "mobile"),
    Column("user_type", "user_type"),
    Column("subscriber_type", "subscriber_type"),
    Column("status", "status"),
    Column("created_at", "date_joined"),
    Column("last_login", "last_login"),
)
_USER_FILTERS = {
    "user_ids": Filter("pk__in", "ids"),
    "statuses": Filter("status__in", "strings"),
    "user_types": Filter("subscriber_type__in", "strings"),
    "staff_types": Filter("user_type__in", "strings"),
    "email": Filter("email__icontains", "string"),
}
_USER_ORDERINGS = {
    "created_at": "date_joined",
    "user_id": "id",
    "email": "email",
    "last_login": "last_login",
    "status": "status",
}

register(
    Report(
        slug="users-report",
        title="Users",
        source=lambda user: User.objects.exclude(status=AccountStatus.ARCHIVED),
        columns=_USER_COLUMNS,
        filters=_USER_FILTERS,
        orderings=_USER_ORDERINGS,
        date_field="date_joined",
        permission=STAFF,
    )
)

register(
    Report(
        slug="archived-users-report",
        title="Archived users",
        source=lambda user: User.objects.filter(status=AccountStatus.ARCHIVED),
        columns=(*_USER_COLUMNS, Column("archived_at", "status_changed_at")),
        filters={k: v for k, v in _USER_FILTERS.items() if k != "statuses"},
        orderings={**_USER_ORDERINGS, "archived_at": "status_changed_at"},
        date_field="status_changed_at",
        permission=STAFF,
    )
)

register(
    Report(
        slug="admins-report",
        title="Admins",
        source=lambda user: User.objects.filter(is_staff=True),
        columns=(*_USER_COLUMNS, Column("is_superuser", "is_superuser")),
        filters=_USER_FILTERS,
        orderings=_USER_ORDERINGS,
        date_field="date_joined",
        permission=STAFF,
    )
)

register(
    Report(
        slug="sessions-report",
        title="Sessions",
        source=lambda user: AuthSession.objects.all(),
        columns=(
            Column("session_id", "id"),
            Column("user_id", "user_id"),
            Column("username", "user__username"),
            Column("created_at", "created_at"),
            Column("last_used_at", "last_used_at"),
            Column("expires_at", "expires_at"),
            Column("remember_me", "remember_me"),
            Column("ip", "ip"),
            Column("device", "device"),
            Column("browser", "browser"),
            Column("os", "os"),
            Column("revoked_at", "revoked_at"),
            Column("revoke_reason", "revoke_reason"),
        ),
        filters={
            "user_ids": Filter("user_id__in", "ids"),
            "not_revoked": Filter("revoked_at__isnull", "bool"),
            "revoke_reasons": Filter("revoke_reason__in", "strings"),
        },
        orderings={
            "created_at": "created_at",
            "last_used_at": "last_used_at",
            "user_id": "user_id",
        },
        permission=STAFF,
    )
)

register(
    Report(
        slug="role-permission-report",
        title="Roles and permissions",
        source=lambda user: Role.permissions.through.objects.all(),
        columns=(
            Column("role_id", "role_id"),
            Column("role_name", "role__display_name"),
            Column("role_slug", "role__name"),
            Column("role_level", "role__role_level"),
            Column("role_active", "role__is_active"),
            Column("permission_id", "permission_id"),
            Column("permission", "permission__codename"),
            Column("app", "permission__content_type__app_label"),
            Column("permission_name", "permission__name"),
        ),
        filters={
            "role_ids": Filter("role_id__in", "ids"),
            "permission_ids": Filter("permission_id__in", "ids"),
            "apps": Filter("permission__content_type__app_label__in", "strings"),
        },
        orderings={
            "role_name": "role__name",
            "role_level": "role__role_level",
            "permission": "permission__codename",
            # Every other report orders by created_at; a seed 004 client sends it here too.
            "created_at": "role__created_at",
        },
        default_order="role_name",
        date_field=None,
        permission=STAFF,
    )
)
