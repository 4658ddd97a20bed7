"""Forgotten, reset and changed passwords. Each change ends the other sessions."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.errors import OtpError
from accounts.models import AccountStatus, LoginEvent, OtpChallenge, OtpPurpose, User
from accounts.selectors import Identifier, user_by_identifier
from accounts.services.activity import auth_event_record
from accounts.services.otp import otp_issue, otp_verify
from accounts.services.sessions import sessions_end
from config import ratelimit
from config.ratelimit import Rule

RESETS_PER_IDENTIFIER = Rule("password-reset", limit=3, window=3600)


def password_forgot(*, identifier: Identifier | None, raw_identifier: str) -> OtpChallenge:
    """Send a reset code. The reply is the same whether or not the account exists."""
    key = identifier.value if identifier else raw_identifier.strip().lower()
    ratelimit.consume(RESETS_PER_IDENTIFIER, key, "Too many password resets; try again later.")
    user = user_by_identifier(identifier)
    eligible = (
        user is not None
        and user.status != AccountStatus.ARCHIVED
        and bool(user.email or user.mobile)
    )
    if not eligible:
        return otp_issue(purpose=OtpPurpose.PASSWORD_RESET, deliver=False)
    return otp_issue(
        purpose=OtpPurpose.PASSWORD_RESET, user=user, email=user.email, mobile=user.mobile
    )


def _validated(password: str, user: User, field: str = "new_password") -> str:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    return password


def password_reset(*, request_id, code: str, new_password: str) -> User:
    """Set a new password with a reset code; every session of the account ends."""
    pending = (
        OtpChallenge.objects.select_related("user")
        .filter(pk=request_id, purpose=OtpPurpose.PASSWORD_RESET)
        .first()
    )
    if pending is None or pending.user is None:
        # A decoy or unknown request still costs a try and answers like a wrong code.
        otp_verify(request_id=request_id, code=code, purposes={OtpPurpose.PASSWORD_RESET})
        raise OtpError("otp_invalid")
    # Judge the password before spending the code, so a weak one can be retried.
    _validated(new_password, pending.user)
    challenge = otp_verify(request_id=request_id, code=code, purposes={OtpPurpose.PASSWORD_RESET})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=challenge.user_id)
        user.set_password(new_password)
        user.is_first_login = False
        user.save(update_fields=["password", "is_first_login"])
        ended = sessions_end(user=user, reason="password_reset")
        auth_event_record(
            event=LoginEvent.PASSWORD_RESET,
            success=True,
            user=user,
            identifier=challenge.email or challenge.mobile or "",
            details={"sessions_ended": ended},
        )
    return user


def password_change(
    *, user: User, old_password: str, new_password: str, current_session_id: str | None
) -> User:
    """Change a password knowing the old one; the other sessions end, this one stays."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": ["The current password is not correct."]})
    _validated(new_password, user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(new_password)
        user.is_first_login = False
        user.save(update_fields=["password", "is_first_login"])
        ended = sessions_end(
            user=user, reason="password_changed", except_session_id=current_session_id
        )
        auth_event_record(
            event=LoginEvent.PASSWORD_CHANGED,
            success=True,
            user=user,
            identifier=user.username or user.email or user.mobile or "",
            details={"sessions_ended": ended},
        )
    return user
