"""Roles and their assignment, with levels and caps that nobody can step over."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User, UserRole
from accounts.services.protection import admin_loss_guard, role_removal_demotes
from audit.services import audit_record
from config.exceptions import Conflict

SUPERUSER_LEVEL = 1000
ROLE_FIELDS = (
    "name",
    "display_name",
    "description",
    "role_level",
    "can_assign_roles",
    "max_assignments",
    "is_active",
)


def _perm_names(permissions: Iterable[Permission]) -> list[str]:
    return sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions)


def _role_state(role: Role) -> dict:
    state = {field: getattr(role, field) for field in ROLE_FIELDS}
    state["permissions"] = _perm_names(role.permissions.select_related("content_type"))
    return state


def actor_level(actor: User) -> int:
    """The highest level among the roles an actor may hand out (superusers: above all)."""
    if actor.is_superuser and actor.is_active:
        return SUPERUSER_LEVEL
    levels = UserRole.objects.active().filter(user=actor, role__can_assign_roles=True)
    return max(levels.values_list("role__role_level", flat=True), default=0)


def _check_can_grant(actor: User, role: Role) -> None:
    if not actor.has_perm("accounts.assign_role"):
        raise PermissionDenied("You may not assign roles.")
    if actor_level(actor) < role.role_level:
        raise PermissionDenied(
            f"The role {role.name} (level {role.role_level}) is above what you may grant."
        )


def _check_permissions_held(actor: User, permissions: Iterable[Permission]) -> None:
    """Nobody puts into a role a permission they do not hold themselves."""
    if actor.is_superuser:
        return
    missing = set(_perm_names(permissions)) - actor.get_all_permissions()
    if missing:
        raise PermissionDenied(
            "You cannot grant permissions you do not hold: " + ", ".join(sorted(missing))
        )


def role_create(*, actor: User, permissions: list[Permission], **fields) -> Role:
    unknown = set(fields) - set(ROLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown role fields: {sorted(unknown)}")
    role = Role(created_by=actor, **fields)
    if not actor.is_superuser and role.role_level > actor_level(actor):
        raise PermissionDenied("You cannot create a role above your own level.")
    _check_permissions_held(actor, permissions)
    role.full_clean()
    with transaction.atomic():
        role.save()
        role.permissions.set(permissions)
        audit_record(
            action="accounts.role_created", actor=actor, target=role, after=_role_state(role)
        )
    return role


def role_update(
    *, actor: User, role: Role, permissions: list[Permission] | None = None, **fields
) -> Role:
    unknown = set(fields) - set(ROLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown role fields: {sorted(unknown)}")
    with transaction.atomic():
        role = Role.objects.select_for_update().get(pk=role.pk)
        if not actor.is_superuser and role.role_level > actor_level(actor):
            raise PermissionDenied("You cannot change a role above your own level.")
        before = _role_state(role)
        for field, value in fields.items():
            setattr(role, field, value)
        if not actor.is_superuser and role.role_level > actor_level(actor):
            raise PermissionDenied("You cannot raise a role above your own level.")
        if permissions is not None:
            _check_permissions_held(actor, set(permissions) - set(role.permissions.all()))
        role.full_clean()
        role.save()
        if permissions is not None:
            role.permissions.set(permissions)
        audit_record(
            action="accounts.role_updated",
            actor=actor,
            target=role,
            before=before,
            after=_role_state(role),
        )
    return role


def role_delete(*, actor: User, role: Role) -> None:
    """Remove a role nobody holds; one with history is deactivated and kept."""
    with transaction.atomic():
        role = Role.objects.select_for_update().get(pk=role.pk)
        if not actor.is_superuser and role.role_level > actor_level(actor):
            raise PermissionDenied("You cannot delete a role above your own level.")
        if UserRole.objects.active().filter(role=role).exists():
            raise Conflict("The role is still assigned; revoke it from everyone first.")
        before = _role_state(role)
        role_id = role.pk  # gone from the instance once it is deleted
        if role.assignments.exists():
            role.is_active = False
            role.save(update_fields=["is_active", "updated_at"])
            action = "accounts.role_deactivated"
        else:
            role.delete()
            action = "accounts.role_deleted"
        audit_record(
            action=action,
            actor=actor,
            target_type="accounts.role",
            target_id=role_id,
            before=before,
        )


def role_assign(
    *,
    actor: User,
    user: User,
    role: Role,
    reason: str = "",
    expires_at: datetime | None = None,
) -> UserRole:
    """Give `user` the role: within the actor's level and the role's cap."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": ["Must be in the future."]})
    if user.pk == actor.pk and not actor.is_superuser:
        # Levels bound what one hands to others; a role for oneself would be self-promotion.
        raise PermissionDenied("You cannot assign a role to yourself.")
    with transaction.atomic():
        # The role row is the lock that makes the cap hold under concurrent grants.
        role = Role.objects.select_for_update().get(pk=role.pk)
        if not role.is_active:
            raise Conflict("The role is not active.")
        _check_can_grant(actor, role)
        live = UserRole.objects.filter(user=user, role=role, revoked_at__isnull=True).first()
        if live is not None:
            if live.is_active:
                raise Conflict(f"The user already has the role {role.name}.")
            # An expired assignment is closed, so the new one can take its place.
            live.revoked_at, live.revoke_reason = timezone.now(), "expired"
            live.save(update_fields=["revoked_at", "revoke_reason"])
        if role.max_assignments is not None:
            holders = UserRole.objects.active().filter(role=role).count()
            if holders >= role.max_assignments:
                raise Conflict(
                    f"The role {role.name} is already held by its maximum of "
                    f"{role.max_assignments} people."
                )
        assignment = UserRole.objects.create(
            user=user, role=role, assigned_by=actor, reason=reason, expires_at=expires_at
        )
        audit_record(
            action="accounts.role_assigned",
            actor=actor,
            target=user,
            description=reason,
            after={"role": role.name, "expires_at": expires_at.isoformat() if expires_at else None},
        )
    return assignment


def role_revoke(*, actor: User, user: User, role: Role, reason: str = "") -> UserRole:
    with transaction.atomic():
        if role_removal_demotes(user=user, roles=[role]):
            admin_loss_guard(actor=actor, user=user, what="demote")
        return _revoke(actor=actor, user=user, role=role, reason=reason)


def _revoke(*, actor: User, user: User, role: Role, reason: str) -> UserRole:
    with transaction.atomic():
        role = Role.objects.select_for_update().get(pk=role.pk)
        _check_can_grant(actor, role)
        assignment = (
            UserRole.objects.select_for_update()
            .filter(user=user, role=role, revoked_at__isnull=True)
            .first()
        )
        if assignment is None:
            raise Conflict(f"The user does not have the role {role.name}.")
        assignment.revoked_at = timezone.now()
        assignment.revoked_by = actor
        assignment.revoke_reason = reason
        assignment.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_record(
            action="accounts.role_revoked",
            actor=actor,
            target=user,
            description=reason,
            before={"role": role.name},
        )
    return assignment


def role_change(
    *, actor: User, user: User, role: Role, reason: str = ""
) -> tuple[list[str], UserRole]:
    """Make `role` the user's only role: the others are revoked, all or nothing.

    Returns the names of the revoked roles, highest level first, and the assignment.
    """
    with transaction.atomic():
        previous = list(
            UserRole.objects.active()
            .filter(user=user)
            .exclude(role=role)
            .select_related("role")
            .order_by("-role__role_level", "role__name")
        )
        # The new role may itself let them assign roles: then nothing is lost.
        if not role.can_assign_roles and role_removal_demotes(
            user=user, roles=[a.role for a in previous]
        ):
            admin_loss_guard(actor=actor, user=user, what="demote")
        for assignment in sorted(previous, key=lambda a: a.role_id):
            _revoke(actor=actor, user=user, role=assignment.role, reason=reason or "role changed")
        current = UserRole.objects.active().filter(user=user, role=role).first()
        if current is None:
            current = role_assign(actor=actor, user=user, role=role, reason=reason)
    return [a.role.name for a in previous], current


def roles_bulk(
    *,
    actor: User,
    users: list[User],
    role: Role,
    action: str,
    reason: str = "",
    expires_at: datetime | None = None,
) -> list[UserRole]:
    """Assign or revoke one role for many people, all or nothing."""
    with transaction.atomic():
        results = []
        for user in sorted(users, key=lambda u: u.pk):
            if action == "assign":
                results.append(
                    role_assign(
                        actor=actor, user=user, role=role, reason=reason, expires_at=expires_at
                    )
                )
            else:
                results.append(role_revoke(actor=actor, user=user, role=role, reason=reason))
    return results


def group_save(
    *, actor: User, name: str, permissions: list[Permission], group: Group | None = None
) -> Group:
    """Create or change a group; as with roles, only permissions the actor holds."""
    with transaction.atomic():
        before = None
        if group is None:
            group = Group(name=name)
        else:
            group = Group.objects.select_for_update().get(pk=group.pk)
            before = {"name": group.name, "permissions": _perm_names(group.permissions.all())}
            group.name = name
        current = set(group.permissions.all()) if group.pk else set()
        _check_permissions_held(actor, set(permissions) - current)
        if Group.objects.filter(name__iexact=name).exclude(pk=group.pk).exists():
            raise ValidationError({"name": ["A group with this name exists."]})
        group.save()
        group.permissions.set(permissions)
        audit_record(
            action="accounts.group_saved",
            actor=actor,
            target=group,
            before=before,
            after={"name": group.name, "permissions": _perm_names(group.permissions.all())},
        )
    return group


def group_delete(*, actor: User, group: Group) -> None:
    with transaction.atomic():
        before = {"name": group.name, "members": group.user_set.count()}
        pk = group.pk
        group.delete()
        audit_record(
            action="accounts.group_deleted",
            actor=actor,
            target_type="auth.group",
            target_id=pk,
            before=before,
        )
