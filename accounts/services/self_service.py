"""What people change about their own account (seed 004's user/me and preferences)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import AccountStatus, SubscriberType, User, UserPreference
from accounts.services.contact import ContactProof, contact_changed, contact_proof_require
from accounts.services.protection import admin_loss_guard
from accounts.services.users import _set_status
from audit.services import audit_record


def _locked(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def user_deactivate(*, user: User) -> User:
    """The owner switches their account off; signing in and reactivating turns it on."""
    with transaction.atomic():
        # Superuser rows are locked before the owner's row, in the order every
        # status change takes them.
        admin_loss_guard(actor=user, user=user, what="deactivate")
        # Checked under the row lock, so two clicks make one change and one event.
        if not _locked(user).is_active:
            raise ValidationError({"status": ["Only an active account can be deactivated."]})
        return _set_status(
            actor=user,
            user=user,
            status=AccountStatus.DEACTIVATED,
            reason="deactivated by the account owner",
            action="accounts.user_deactivated",
            end_sessions=False,
        )


def user_reactivate(*, user: User) -> User:
    with transaction.atomic():
        if _locked(user).status != AccountStatus.DEACTIVATED:
            raise ValidationError({"status": ["Only a deactivated account can be reactivated."]})
        return _set_status(
            actor=user,
            user=user,
            status=AccountStatus.ACTIVE,
            action="accounts.user_reactivated",
            end_sessions=False,
        )


def _email_taken() -> ValidationError:
    return ValidationError({"email": ["This e-mail address is already in use."]})


def user_email_change(
    *,
    user: User,
    email: str,
    proof: ContactProof | None = None,
    current_session_id: str | None = None,
) -> User:
    """A new address for the account, with proof (see services.contact).

    Proved by a code sent to it, the new address counts as verified.
    """
    email = email.strip().lower()
    try:
        with transaction.atomic():
            user = _locked(user)
            if (user.email or "") == email:
                return user
            contact_proof_require(proof, field="email", value=email)
            if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
                raise _email_taken()
            old, was_verified = user.email, user.is_email_verified
            user.email = email
            user.is_email_verified = proof.method == "code"
            user.save(update_fields=["email", "is_email_verified", "updated_at"])
            contact_changed(
                user=user,
                field="email",
                old=old,
                new=email,
                proof=proof,
                current_session_id=current_session_id,
                was_verified=was_verified,
            )
    except IntegrityError as exc:
        # Someone took the address between the check and the write.
        raise _email_taken() from exc
    return user


def user_switch_type(*, user: User, subscriber_type: SubscriberType) -> User:
    """A subscriber moves between prepaid and postpaid; staff accounts have no such kind."""
    if subscriber_type not in SubscriberType.values:
        raise ValidationError({"user_type": ["Choose prepaid or postpaid."]})
    with transaction.atomic():
        user = _locked(user)
        if user.is_staff or user.user_type:
            raise ValidationError({"user_type": ["Staff accounts have no subscriber type."]})
        if user.subscriber_type == subscriber_type:
            return user
        before = {"subscriber_type": user.subscriber_type}
        user.subscriber_type = subscriber_type
        user.save(update_fields=["subscriber_type", "updated_at"])
        audit_record(
            action="accounts.subscriber_type_changed",
            actor=user,
            target=user,
            before=before,
            after={"subscriber_type": subscriber_type},
        )
    return user


def preference_get(*, user: User) -> UserPreference:
    """The stored preferences, or the defaults (unsaved) when none were ever set."""
    return UserPreference.objects.filter(user=user).first() or UserPreference(user=user)


def preference_update(*, user: User, **values) -> UserPreference:
    unknown = set(values) - set(UserPreference.FIELDS)
    if unknown:
        raise TypeError(f"Unknown preferences: {sorted(unknown)}")
    with transaction.atomic():
        preference, _ = UserPreference.objects.select_for_update().get_or_create(user=user)
        before = {field: getattr(preference, field) for field in UserPreference.FIELDS}
        for field, value in values.items():
            setattr(preference, field, value)
        after = {field: getattr(preference, field) for field in UserPreference.FIELDS}
        changed = {k: v for k, v in after.items() if before[k] != v}
        if changed:
            preference.save(update_fields=[*changed, "updated_at"])
            audit_record(
                action="accounts.preferences_updated",
                actor=user,
                target=user,
                before={k: before[k] for k in changed},
                after=changed,
            )
    return preference
