"""Changes to people's accounts: by staff, and by people themselves."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.errors import AccountProtected
from accounts.models import AccountStatus, StaffType, User
from accounts.phone import normalize_mobile
from accounts.services.contact import ContactProof, contact_changed, contact_proof_require
from accounts.services.protection import admin_loss_guard, is_demotion
from accounts.services.registration import _create
from accounts.services.sessions import sessions_end
from audit.services import audit_record

# What staff may change on someone's account through the user endpoints.
# Status, staff flags, roles and passwords each have their own service.
STAFF_EDITABLE = (
    "username",
    "email",
    "mobile",
    "first_name",
    "last_name",
    "user_type",
    "employee_id",
    "designation",
    "department",
    "language_preference",
    "timezone",
    "manager",
    "two_factor_enabled",
)
# What people may change on their own profile.
SELF_EDITABLE = (
    "first_name",
    "last_name",
    "mobile",
    "address",
    "city",
    "state",
    "pincode",
    "profile_photo",
    "language_preference",
    "timezone",
)


def _snapshot(user: User, fields) -> dict:
    return {
        field: (getattr(user, f"{field}_id") if field == "manager" else getattr(user, field))
        for field in fields
    }


def _apply(user: User, changes: dict) -> list[str]:
    changed = []
    for field, value in changes.items():
        if field == "mobile" and value:
            value = normalize_mobile(value)
        if field in ("email", "username", "mobile") and value == "":
            value = None
        if field == "email" and value:
            value = value.lower()
        current = getattr(user, f"{field}_id") if field == "manager" else getattr(user, field)
        new = value.pk if field == "manager" and value is not None else value
        if current != new:
            setattr(user, field, value)
            changed.append(field)
    return changed


def _save_checked(user: User, fields: list[str]) -> None:
    if "manager" in fields and user.manager_id == user.pk:
        raise ValidationError({"manager": ["A person cannot be their own manager."]})
    user.full_clean(exclude={"password"})
    user.save(update_fields=[*fields, "updated_at"])


def _guard_target(actor: User, user: User) -> None:
    """Staff act on others, and only superusers act on superusers."""
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied("Only a superuser may change a superuser's account.")


def user_create(
    *,
    actor: User,
    password: str | None = None,
    **fields,
) -> User:
    """An account made by staff: active at once, no self-registration step."""
    unknown = set(fields) - set(STAFF_EDITABLE) - {"subscriber_type", "is_staff"}
    if unknown:
        raise TypeError(f"Unknown user fields: {sorted(unknown)}")
    if fields.get("mobile"):
        fields["mobile"] = normalize_mobile(fields["mobile"])
    if fields.get("email"):
        fields["email"] = fields["email"].lower()
    with transaction.atomic():
        # Someone else chose this password: the person is asked to choose their own.
        user = _create(password=make_password(password), is_first_login=bool(password), **fields)
        audit_record(
            action="accounts.user_created",
            actor=actor,
            target=user,
            after=_snapshot(user, [f for f in STAFF_EDITABLE if f in fields or f == "username"]),
        )
    return user


def _own_contact_changes(
    *,
    user: User,
    before: dict,
    verified_before: dict,
    changed: list[str],
    proof: ContactProof | None,
    current_session_id: str | None,
) -> None:
    """One's own e-mail address or mobile number moves only with proof (see services.contact)."""
    fields = [field for field in ("email", "mobile") if field in changed]
    for field in fields:
        contact_proof_require(proof, field=field, value=getattr(user, field))
    for field in fields:
        flag = "is_email_verified" if field == "email" else "is_phone_verified"
        was_verified = verified_before[flag]
        setattr(user, flag, proof.method == "code" and proof.field == field)
        contact_changed(
            user=user,
            field=field,
            old=before.get(field),
            new=getattr(user, field),
            proof=proof,
            current_session_id=current_session_id,
            was_verified=was_verified,
        )


def user_update(
    *,
    actor: User,
    user: User,
    proof: ContactProof | None = None,
    current_session_id: str | None = None,
    **changes,
) -> tuple[User, list[str]]:
    """Staff change an account; their own e-mail or mobile still needs proof."""
    unknown = set(changes) - set(STAFF_EDITABLE)
    if unknown:
        raise TypeError(f"Fields not editable by staff: {sorted(unknown)}")
    _guard_target(actor, user)
    with transaction.atomic():
        if is_demotion(User.objects.get(pk=user.pk), changes):
            admin_loss_guard(actor=actor, user=user, what="demote")
        user = User.objects.select_for_update().get(pk=user.pk)
        before = _snapshot(user, changes)
        verified = _snapshot(user, ("is_email_verified", "is_phone_verified"))
        changed = _apply(user, changes)
        if "email" in changed:
            user.is_email_verified = False
            changed.append("is_email_verified")
        if "mobile" in changed:
            user.is_phone_verified = False
            changed.append("is_phone_verified")
        if actor.pk == user.pk:
            _own_contact_changes(
                user=user,
                before=before,
                verified_before=verified,
                changed=changed,
                proof=proof,
                current_session_id=current_session_id,
            )
        if changed:
            _save_checked(user, changed)
            audit_record(
                action="accounts.user_updated",
                actor=actor,
                target=user,
                before={f: before.get(f) for f in changed if f in before},
                after=_snapshot(user, [f for f in changed if f in changes]),
            )
    return user, changed


def profile_update(
    *,
    user: User,
    proof: ContactProof | None = None,
    current_session_id: str | None = None,
    **changes,
) -> tuple[User, list[str]]:
    """Someone changes their own profile; nothing that grants access is reachable here,
    and the mobile number moves only with proof."""
    unknown = set(changes) - set(SELF_EDITABLE)
    if unknown:
        raise TypeError(f"Fields not editable on one's own profile: {sorted(unknown)}")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = _snapshot(user, changes)
        verified = _snapshot(user, ("is_email_verified", "is_phone_verified"))
        changed = _apply(user, changes)
        if "mobile" in changed:
            changed.append("is_phone_verified")
            _own_contact_changes(
                user=user,
                before=before,
                verified_before=verified,
                changed=changed,
                proof=proof,
                current_session_id=current_session_id,
            )
        if changed:
            _save_checked(user, changed)
            audit_record(
                action="accounts.profile_updated",
                actor=user,
                target=user,
                before={f: before.get(f) for f in changed if f in before},
                after=_snapshot(user, [f for f in changed if f in changes]),
            )
    return user, changed


_VERBS = {
    AccountStatus.BLOCKED: "block",
    AccountStatus.ARCHIVED: "archive",
    AccountStatus.DEACTIVATED: "deactivate",
}


def _set_status(
    *,
    actor: User,
    user: User,
    status: AccountStatus,
    reason: str = "",
    blocked_until=None,
    action: str,
    end_sessions: bool,
) -> User:
    with transaction.atomic():
        if status != AccountStatus.ACTIVE:
            admin_loss_guard(actor=actor, user=user, what=_VERBS.get(status, "disable"))
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {
            "status": user.status,
            "reason": user.status_reason,
            "blocked_until": user.blocked_until.isoformat() if user.blocked_until else None,
        }
        user.status = status
        user.status_reason = reason
        user.blocked_until = blocked_until
        user.status_changed_at = timezone.now()
        user.save(
            update_fields=[
                "status",
                "status_reason",
                "blocked_until",
                "status_changed_at",
                "updated_at",
            ]
        )
        if end_sessions:
            sessions_end(user=user, reason=action.rsplit(".", 1)[-1])
        audit_record(
            action=action,
            actor=actor,
            target=user,
            description=reason,
            before=before,
            after={
                "status": status,
                "reason": reason,
                "blocked_until": blocked_until.isoformat() if blocked_until else None,
            },
        )
    return user


def user_block(
    *, actor: User, user: User, reason: str = "", duration_days: int | None = None
) -> User:
    """Block an account now; with `duration_days` the block lifts by itself."""
    if user.pk == actor.pk:
        raise AccountProtected("You cannot block your own account.", code="own_account")
    _guard_target(actor, user)
    if user.status == AccountStatus.ARCHIVED:
        raise ValidationError({"user_id": ["An archived account cannot be blocked."]})
    until = timezone.now() + timedelta(days=duration_days) if duration_days else None
    return _set_status(
        actor=actor,
        user=user,
        status=AccountStatus.BLOCKED,
        reason=reason,
        blocked_until=until,
        action="accounts.user_blocked",
        end_sessions=True,
    )


def user_unblock(*, actor: User, user: User) -> User:
    _guard_target(actor, user)
    if user.status != AccountStatus.BLOCKED:
        raise ValidationError({"user_id": ["The account is not blocked."]})
    return _set_status(
        actor=actor,
        user=user,
        status=AccountStatus.ACTIVE,
        action="accounts.user_unblocked",
        end_sessions=False,
    )


def users_block_batch(
    *, actor: User, users: list[User], reason: str = "", duration_days: int | None = None
) -> list[User]:
    """Block several accounts, all or nothing."""
    with transaction.atomic():
        return [
            user_block(actor=actor, user=user, reason=reason, duration_days=duration_days)
            for user in sorted(users, key=lambda u: u.pk)
        ]


def user_archive(*, actor: User, user: User, reason: str = "") -> User:
    """Delete, as far as anyone can tell: sign-in refused, the row and its history kept."""
    if user.pk != actor.pk:
        _guard_target(actor, user)
    if user.status == AccountStatus.ARCHIVED:
        return user
    return _set_status(
        actor=actor,
        user=user,
        status=AccountStatus.ARCHIVED,
        reason=reason or ("deleted by the account owner" if user.pk == actor.pk else ""),
        action="accounts.user_archived",
        end_sessions=True,
    )


def staff_admin_kinds() -> list[str]:
    """Staff kinds that count as administrators in seed 004's admin list."""
    return [StaffType.SUPER_ADMIN, StaffType.ADMIN]


# Fields of the admin's change form whose changes the audit trail records.
ADMIN_AUDITED = (
    *STAFF_EDITABLE,
    "subscriber_type",
    "status",
    "status_reason",
    "blocked_until",
    "is_staff",
    "is_superuser",
    "is_email_verified",
    "is_phone_verified",
)


def user_admin_save(*, actor: User, user: User, changed: list[str]) -> User:
    """Save an account as edited in the Django admin's change form, with the same guards.

    `user` carries the form's values; `changed` names the fields the form changed.
    """
    audited = [f for f in changed if f in ADMIN_AUDITED]
    with transaction.atomic():
        stored = User.objects.get(pk=user.pk)
        _guard_target(actor, stored)
        new = {field: getattr(user, field) for field in audited}
        leaves_active = stored.is_active and not user.is_active
        if leaves_active or is_demotion(stored, new):
            verb = _VERBS.get(user.status, "demote") if leaves_active else "demote"
            admin_loss_guard(actor=actor, user=stored, what=verb)
        stored = User.objects.select_for_update().get(pk=user.pk)
        user.save()
        if audited:
            audit_record(
                action="accounts.user_changed_in_admin",
                actor=actor,
                target=user,
                before=_snapshot(stored, audited),
                after=_snapshot(user, audited),
            )
    return user
