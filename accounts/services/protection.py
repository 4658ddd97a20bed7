"""The accounts nobody may lock out: the last active superuser, and an admin's own.

Archiving, blocking, deactivating and demoting (superuser flag, staff flag, an
administrator kind, the last role that lets one assign roles) all pass through
`admin_loss_guard` inside their transaction. It locks every active superuser
row, in primary-key order, before counting them: two admins demoting the last
two superusers at the same moment queue on the same locks, and the second one
counts again after the first has committed.
"""

from django.db.models import Q
from django.utils import timezone

from accounts.errors import AccountProtected
from accounts.models import AccountStatus, Role, StaffType, User, UserRole

ADMIN_KINDS = (StaffType.SUPER_ADMIN, StaffType.ADMIN)


def _active() -> Q:
    # The same test as `User.is_active`: a block whose time has passed is over.
    return Q(status=AccountStatus.ACTIVE) | Q(
        status=AccountStatus.BLOCKED, blocked_until__lte=timezone.now()
    )


def active_superusers_locked() -> list[int]:
    """Ids of the active superusers, their rows locked until the transaction ends."""
    return list(
        User.objects.select_for_update()
        .filter(_active(), is_superuser=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def admin_loss_guard(*, actor: User | None, user: User, what: str) -> None:
    """Refuse `what` (a verb: "archive", "block", "demote"...) where it would lock admins out.

    Call it inside the transaction of the change, before the change is written.
    """
    if actor is not None and actor.pk == user.pk and (user.is_staff or user.is_superuser):
        raise AccountProtected(
            f"You cannot {what} your own administrator account; ask another administrator.",
            code="own_account",
        )
    if not User.objects.filter(pk=user.pk, is_superuser=True).exists():
        return
    locked = active_superusers_locked()
    if user.pk in locked and len(locked) == 1:
        raise AccountProtected(
            f"You cannot {what} the last active superuser; make someone else a superuser first.",
            code="last_superuser",
        )


def is_demotion(user: User, changes: dict) -> bool:
    """Whether setting `changes` on `user` lowers their administrative standing."""
    if user.is_superuser and changes.get("is_superuser", True) is False:
        return True
    if user.is_staff and changes.get("is_staff", True) is False:
        return True
    if "user_type" in changes and user.user_type in ADMIN_KINDS:
        return changes["user_type"] not in ADMIN_KINDS
    return False


def role_removal_demotes(*, user: User, roles: list[Role]) -> bool:
    """Whether taking `roles` away leaves `user` with no live role that assigns roles."""
    removed = {role.pk for role in roles if role.can_assign_roles}
    if not removed:
        return False
    live = UserRole.objects.active().filter(user=user, role__can_assign_roles=True)
    return not live.exclude(role_id__in=removed).exists()
