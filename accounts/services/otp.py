"""One-time codes for every purpose: issue, verify, resend.

A code is 6 digits from `secrets`, stored only as a keyed hash, valid for
5 minutes, good for 5 tries whatever the caller's address, used once, and
bound to its purpose and person. It is sent after the transaction commits,
and never appears in a reply or a log line.
"""

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.errors import OtpError
from accounts.models import LoginEvent, OtpChallenge, OtpPurpose, User
from accounts.sealing import seal
from accounts.services.activity import auth_event_record
from accounts.services.security import security_after_otp_failure
from audit import context as request_context
from config.tasks import enqueue_on_commit

CODE_DIGITS = 6
LIFETIME = timedelta(minutes=5)
RESEND_INTERVAL = timedelta(seconds=30)


def _hash(challenge_id: uuid.UUID, code: str) -> str:
    key = settings.OTP_HASH_KEY.encode()
    return hmac.new(key, f"{challenge_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def _schedule_delivery(challenge: OtpChallenge, code: str) -> None:
    enqueue_on_commit("accounts.tasks.deliver_otp", str(challenge.pk), seal(code))


def otp_issue(
    *,
    purpose: OtpPurpose,
    user: User | None = None,
    email: str | None = None,
    mobile: str | None = None,
    payload: dict | None = None,
    deliver: bool = True,
) -> OtpChallenge:
    """Create a challenge and send its code to `email` and/or `mobile` once committed.

    With `deliver` off the challenge is a decoy: same reply, nothing sent, no
    code that matches.
    """
    if deliver and not (email or mobile):
        raise ValueError("A code needs somewhere to go: an e-mail address or a mobile number.")
    now = timezone.now()
    challenge = OtpChallenge(
        id=uuid.uuid4(),
        purpose=purpose,
        user=user,
        email=email,
        mobile=mobile,
        payload=payload or {},
        deliver=deliver,
        created_at=now,
        last_sent_at=now,
        expires_at=now + LIFETIME,
        ip=request_context.current().ip,
    )
    code = _new_code()
    challenge.code_hash = _hash(challenge.id, code) if deliver else secrets.token_hex(32)
    with transaction.atomic():
        challenge.save(force_insert=True)
        if deliver:
            _schedule_delivery(challenge, code)
            auth_event_record(
                event=LoginEvent.OTP_SENT,
                success=True,
                user=user,
                identifier=email or mobile or "",
                reason=purpose,
            )
    return challenge


def _identifier(challenge: OtpChallenge) -> str:
    return challenge.email or challenge.mobile or ""


@transaction.atomic(durable=True)
def _check_and_record(challenge_id, code: str, purposes: set[str]) -> tuple[OtpChallenge, str]:
    challenge = OtpChallenge.objects.select_for_update().filter(pk=challenge_id).first()
    if challenge is None or challenge.purpose not in purposes:
        return challenge, "otp_invalid"
    now = timezone.now()
    if challenge.verified_at is not None:
        outcome = "otp_used"
    elif challenge.attempts >= OtpChallenge.MAX_ATTEMPTS:
        outcome = "otp_attempts_exceeded"
    elif challenge.expires_at <= now:
        outcome = "otp_expired"
    elif hmac.compare_digest(challenge.code_hash, _hash(challenge.id, str(code))):
        outcome = "ok"
    else:
        outcome = "otp_invalid"

    if outcome == "ok":
        challenge.verified_at = now
        challenge.save(update_fields=["verified_at"])
    elif outcome == "otp_invalid":
        challenge.attempts += 1
        challenge.save(update_fields=["attempts"])
    auth_event_record(
        event=LoginEvent.OTP_VERIFIED if outcome == "ok" else LoginEvent.OTP_FAILED,
        success=outcome == "ok",
        user=challenge.user,
        identifier=_identifier(challenge),
        reason=challenge.purpose if outcome == "ok" else outcome,
    )
    if outcome != "ok":
        security_after_otp_failure(
            ip=request_context.current().ip, user=challenge.user, identifier=_identifier(challenge)
        )
    return challenge, outcome


def otp_verify(*, request_id, code: str, purposes: set[str]) -> OtpChallenge:
    """Check `code` against the challenge and use it up; raises `OtpError` on any refusal.

    The attempt is committed whatever the outcome, so a wrong code counts even
    though the request fails. Callers run this outside their own transaction
    and do their write afterwards.
    """
    try:
        challenge_id = uuid.UUID(str(request_id))
    except ValueError:
        raise OtpError("otp_invalid") from None
    if not str(code).isdigit() or len(str(code)) != CODE_DIGITS:
        raise OtpError("otp_invalid")
    challenge, outcome = _check_and_record(challenge_id, code, purposes)
    if outcome != "ok":
        remaining = None
        if challenge is not None and outcome == "otp_invalid":
            remaining = max(0, OtpChallenge.MAX_ATTEMPTS - challenge.attempts)
        raise OtpError(outcome, attempts_left=remaining)
    return challenge


def latest_open_challenge(*, purpose: OtpPurpose, mobile: str) -> OtpChallenge | None:
    """The newest unused challenge for a phone number (flows that send no request id)."""
    return (
        OtpChallenge.objects.filter(purpose=purpose, mobile=mobile, verified_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def otp_resend(*, request_id) -> OtpChallenge:
    """Send a new code for the same challenge: at most 3 times, 30 seconds apart.

    Tries already spent stay spent, so resending never buys more guesses.
    """
    try:
        challenge_id = uuid.UUID(str(request_id))
    except ValueError:
        raise OtpError("otp_invalid") from None
    challenge = OtpChallenge.objects.select_for_update().filter(pk=challenge_id).first()
    if challenge is None or challenge.verified_at is not None:
        raise OtpError("otp_invalid")
    if challenge.attempts >= OtpChallenge.MAX_ATTEMPTS:
        raise OtpError("otp_attempts_exceeded")
    if challenge.resend_count >= OtpChallenge.MAX_RESENDS:
        raise OtpError("otp_resend_limit")
    now = timezone.now()
    wait = (challenge.last_sent_at + RESEND_INTERVAL - now).total_seconds()
    if wait > 0:
        raise OtpError("otp_resend_too_soon", retry_after=wait)

    code = _new_code()
    challenge.resend_count += 1
    challenge.last_sent_at = now
    challenge.expires_at = now + LIFETIME
    if challenge.deliver:
        challenge.code_hash = _hash(challenge.id, code)
    challenge.save(update_fields=["resend_count", "last_sent_at", "expires_at", "code_hash"])
    if challenge.deliver:
        _schedule_delivery(challenge, code)
        auth_event_record(
            event=LoginEvent.OTP_SENT,
            success=True,
            user=challenge.user,
            identifier=_identifier(challenge),
            reason=f"{challenge.purpose} (resent)",
        )
    return challenge
