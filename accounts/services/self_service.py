"""What people change about their own account (seed 004's user/me and preferences)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import AccountStatus, SubscriberType, User, UserPreference
from accounts.services.users import _set_status
from audit.services import audit_record


def user_deactivate(*, user: User) -> User:
    """The owner switches their account off; signing in and reactivating turns it on."""
    if user.status != AccountStatus.ACTIVE:
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
    if user.status != AccountStatus.DEACTIVATED:
        raise ValidationError({"status": ["Only a deactivated account can be reactivated."]})
    return _set_status(
        actor=user,
        user=user,
        status=AccountStatus.ACTIVE,
        action="accounts.user_reactivated",
        end_sessions=False,
    )


def user_email_change(*, user: User, email: str) -> User:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": ["This e-mail address is already in use."]})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {"email": user.email}
        user.email = email
        user.is_email_verified = False
        user.save(update_fields=["email", "is_email_verified", "updated_at"])
        audit_record(
            action="accounts.email_changed",
            actor=user,
            target=user,
            before=before,
            after={"email": email},
        )
    return user


def user_switch_type(*, user: User, subscriber_type: SubscriberType) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
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


def preference_update(*, user: User, **values) -> UserPreference:
    unknown = set(values) - set(UserPreference.FIELDS)
    if unknown:
        raise TypeError(f"Unknown preferences: {sorted(unknown)}")
    with transaction.atomic():
        preference, _ = UserPreference.objects.select_for_update().get_or_create(user=user)
        before = {field: getattr(preference, field) for field in UserPreference.FIELDS}
        for field, value in values.items():
            setattr(preference, field, value)
        preference.save()
        after = {field: getattr(preference, field) for field in UserPreference.FIELDS}
        changed = {k: v for k, v in after.items() if before[k] != v}
        if changed:
            audit_record(
                action="accounts.preferences_updated",
                actor=user,
                target=user,
                before={k: before[k] for k in changed},
                after=changed,
            )
    return preference
