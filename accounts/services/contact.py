"""Proof before one's own e-mail address or mobile number changes.

Whoever holds a session could otherwise move the account's address and then
reset its password from there. A change needs either the current password or
a code sent to the NEW address or number: the code also proves the new one
belongs to the person. A code is good for one change, for a short while after
it was entered. Once changed, the other sessions end (as after a password
change) and the old address is told.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.errors import OtpError
from accounts.models import OtpChallenge, OtpPurpose, User
from accounts.services.otp import otp_issue, otp_verify
from accounts.services.sessions import sessions_end
from accounts.sms import send_sms
from audit.services import audit_record
from config import ratelimit
from config.ratelimit import Rule

CODES_PER_USER = Rule("contact-change-code", limit=5, window=3600)
WRONG_PASSWORDS_PER_USER = Rule("contact-change-password", limit=5, window=900)
# How long after its code was entered a challenge still proves a change.
PROOF_WINDOW = timedelta(minutes=10)
PROOF_MISSING = (
    "Confirm this change with your current password, or with the code sent to the new "
    "address (request_id and otp)."
)
FIELDS = ("email", "mobile")


@dataclass(frozen=True)
class ContactProof:
    """What the caller showed: their password, or a code for one field and value."""

    method: str  # "password" or "code"
    challenge_id: uuid.UUID | None = None
    field: str | None = None
    value: str | None = None

    def covers(self, field: str, value: str | None) -> bool:
        return self.method == "password" or (self.field == field and self.value == value)


def _normalized(field: str, value: str | None) -> str | None:
    if not value:
        return None
    return value.strip().lower() if field == "email" else value


def contact_code_send(*, user: User, field: str, value: str) -> OtpChallenge:
    """Send a code to the address or number `user` wants to move to (mobile in E.164)."""
    if field not in FIELDS:
        raise ValueError(f"Unknown contact field {field!r}")
    ratelimit.consume(CODES_PER_USER, str(user.pk), "Too many codes asked for; try again later.")
    value = _normalized(field, value)
    return otp_issue(
        purpose=OtpPurpose.STEP_UP,
        user=user,
        email=value if field == "email" else None,
        mobile=value if field == "mobile" else None,
        payload={"contact_change": field, "value": value},
    )


def contact_proof(
    *, user: User, current_password: str = "", request_id=None, otp: str = ""
) -> ContactProof | None:
    """Check the proof a request carries (outside any transaction: a wrong code must count).

    None when it carries none; a refusal names the field at fault.
    """
    if current_password:
        key = str(user.pk)
        ratelimit.enforce(WRONG_PASSWORDS_PER_USER, key, "Too many wrong passwords; wait a while.")
        if not user.check_password(current_password):
            ratelimit.hit(WRONG_PASSWORDS_PER_USER, key)
            raise ValidationError({"current_password": ["The current password is not correct."]})
        return ContactProof(method="password")
    if not request_id:
        if otp:
            raise ValidationError({"request_id": ["Give the request id the code came with."]})
        return None
    try:
        challenge_id = uuid.UUID(str(request_id))
    except ValueError:
        raise OtpError("otp_invalid") from None
    challenge = OtpChallenge.objects.filter(
        pk=challenge_id, user=user, purpose=OtpPurpose.STEP_UP
    ).first()
    if challenge is None or "contact_change" not in challenge.payload:
        raise OtpError("otp_invalid")
    if challenge.verified_at is None:
        if not otp:
            raise ValidationError({"otp": ["Give the code sent to the new address."]})
        challenge = otp_verify(request_id=challenge_id, code=otp, purposes={OtpPurpose.STEP_UP})
    if challenge.payload.get("used"):
        raise OtpError("otp_used")
    if challenge.verified_at < timezone.now() - PROOF_WINDOW:
        raise OtpError("otp_expired")
    return ContactProof(
        method="code",
        challenge_id=challenge.pk,
        field=challenge.payload["contact_change"],
        value=challenge.payload["value"],
    )


def contact_proof_require(proof: ContactProof | None, *, field: str, value: str | None) -> None:
    """Refuse a change of `field` to `value` that the proof does not cover."""
    if proof is None:
        raise ValidationError({"current_password": [PROOF_MISSING]})
    if not proof.covers(field, _normalized(field, value)):
        raise ValidationError({"otp": ["This code was sent for another address or number."]})


def _mask(field: str, value: str | None) -> str:
    if not value:
        return "none"
    if field == "email":
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"***{value[-4:]}"


def contact_changed(
    *,
    user: User,
    field: str,
    old: str | None,
    new: str | None,
    proof: ContactProof,
    current_session_id: str | None,
    was_verified: bool,
) -> None:
    """What follows a proven change, inside its transaction: the code is spent, the other
    sessions end, the trail records it, and the old address hears of it after commit."""
    if proof.challenge_id is not None:
        challenge = OtpChallenge.objects.select_for_update().get(pk=proof.challenge_id)
        if challenge.payload.get("used"):
            raise OtpError("otp_used")  # the same code raced another change
        challenge.payload = {**challenge.payload, "used": True}
        challenge.save(update_fields=["payload"])
    flag = "is_email_verified" if field == "email" else "is_phone_verified"
    ended = sessions_end(user=user, reason=f"{field}_changed", except_session_id=current_session_id)
    audit_record(
        action=f"accounts.{field}_changed",
        actor=user,
        target=user,
        description=f"Proved by {proof.method}",
        before={field: old, flag: was_verified},
        after={
            field: new,
            flag: getattr(user, flag),
            "proof": proof.method,
            "sessions_ended": ended,
        },
    )
    label = "e-mail address" if field == "email" else "mobile number"
    text = (
        f"The {label} of your account was changed to {_mask(field, new)}. "
        "If this was not you, contact support at once."
    )
    subject = f"Your {label} was changed"
    if old:
        # The old address itself: whoever took the account no longer reads there.
        to_email, to_mobile = (old, None) if field == "email" else (None, old)
    else:
        to_email = user.email if field == "mobile" else None
        to_mobile = user.mobile if field == "email" else None
    if to_email:
        transaction.on_commit(lambda: send_mail(subject, text, None, [to_email]), robust=True)
    elif to_mobile:
        transaction.on_commit(lambda: send_sms(to_mobile, text), robust=True)
