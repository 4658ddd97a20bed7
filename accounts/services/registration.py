"""Ways to open an account: seed 000's e-mail and mobile registration, seed 004's
phone sign-up and profile, and seed 002's staff registration awaiting approval."""

import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import extensions
from accounts.errors import OtpError
from accounts.models import (
    AccountStatus,
    LoginEvent,
    OtpChallenge,
    OtpPurpose,
    StaffType,
    SubscriberType,
    User,
)
from accounts.services.activity import auth_event_record
from accounts.services.otp import latest_open_challenge, otp_issue, otp_verify
from accounts.services.sessions import IssuedTokens, session_start
from audit import context as request_context
from audit.services import audit_record
from config import ratelimit
from config.exceptions import Conflict
from config.ratelimit import Rule


def registrations_per_ip() -> Rule:
    """Accounts asked for from one address in an hour (`AUTH_REGISTRATIONS_PER_IP_PER_HOUR`)."""
    return Rule("register-ip", limit=settings.AUTH_REGISTRATIONS_PER_IP_PER_HOUR, window=3600)


def signup_codes_per_number() -> Rule:
    """Sign-up codes sent to one phone in an hour (`AUTH_SIGNUP_CODES_PER_PHONE_PER_HOUR`)."""
    return Rule("signup-phone", limit=settings.AUTH_SIGNUP_CODES_PER_PHONE_PER_HOUR, window=3600)


# Roles seed 002 lets people ask for themselves; they still wait for approval.
SELF_REGISTERED_ROLES = (
    StaffType.CALLING_AGENT,
    StaffType.COLLECTION_OFFICER,
    StaffType.MANAGER,
)
SELF_REGISTERED_ROLE_CHOICES = [(role.value, role.label) for role in SELF_REGISTERED_ROLES]
_REFERRAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _new_referral_code() -> str:
    while True:
        code = "".join(secrets.choice(_REFERRAL_ALPHABET) for _ in range(6))
        if not User.objects.filter(referral_code=code).exists():
            return code


def _create(**fields) -> User:
    """Insert an account; a duplicate identifier becomes a 409, not a 500."""
    user = User(**fields)
    try:
        user.full_clean(exclude={"password"})
        with transaction.atomic():
            user.save(force_insert=True)
    except ValidationError as exc:
        if any(e.code == "unique" for errs in exc.error_dict.values() for e in errs) or (
            "__all__" in exc.message_dict
        ):
            raise Conflict("An account with these details already exists.") from exc
        raise
    except IntegrityError as exc:
        raise Conflict("An account with these details already exists.") from exc
    return user


def register_initiate(*, email: str, mobile: str, password: str) -> OtpChallenge:
    """Seed 000, step 1: send one code to the e-mail address and the mobile number.

    No account exists until the code comes back; the password waits, hashed,
    on the challenge.
    """
    ratelimit.consume(registrations_per_ip(), request_context.current().ip or "unknown")
    return otp_issue(
        purpose=OtpPurpose.REGISTER,
        email=email,
        mobile=mobile,
        payload={"password_hash": make_password(password)},
    )


def register_complete(*, request_id, code: str, email: str) -> User:
    """Seed 000, step 2: the code creates the account, with two-factor sign-in on."""
    pending = OtpChallenge.objects.filter(pk=request_id, purpose=OtpPurpose.REGISTER).first()
    if pending is None or (pending.email or "").lower() != email.strip().lower():
        raise OtpError("otp_invalid")
    challenge = otp_verify(request_id=request_id, code=code, purposes={OtpPurpose.REGISTER})
    with transaction.atomic():
        user = _create(
            email=challenge.email,
            mobile=challenge.mobile,
            password=challenge.payload["password_hash"],
            two_factor_enabled=True,
            is_email_verified=True,
            is_phone_verified=True,
        )
        challenge.payload = {}
        challenge.save(update_fields=["payload"])
        auth_event_record(
            event=LoginEvent.REGISTERED, success=True, user=user, identifier=user.email or ""
        )
    return user


def signup_start(*, mobile: str, subscriber_type: SubscriberType) -> OtpChallenge:
    """Seed 004, step 1: a code to the phone of someone without an account yet."""
    if User.objects.filter(mobile=mobile).exists():
        raise ValidationError(
            {"phone_number": ["An account with this phone number exists; sign in instead."]}
        )
    ratelimit.consume(signup_codes_per_number(), mobile)
    ratelimit.consume(registrations_per_ip(), request_context.current().ip or "unknown")
    return otp_issue(
        purpose=OtpPurpose.SIGNUP, mobile=mobile, payload={"subscriber_type": subscriber_type}
    )


def signup_verify(*, mobile: str, code: str) -> IssuedTokens:
    """Seed 004, step 2: the code creates the subscriber account and signs it in."""
    challenge = latest_open_challenge(purpose=OtpPurpose.SIGNUP, mobile=mobile)
    if challenge is None:
        raise OtpError("otp_invalid")
    challenge = otp_verify(request_id=challenge.pk, code=code, purposes={OtpPurpose.SIGNUP})
    with transaction.atomic():
        user = _create(
            mobile=challenge.mobile,
            subscriber_type=challenge.payload.get("subscriber_type", SubscriberType.PREPAID),
            is_phone_verified=True,
            referral_code=_new_referral_code(),
            password=make_password(None),  # unusable: this account signs in with codes
        )
        auth_event_record(
            event=LoginEvent.REGISTERED, success=True, user=user, identifier=user.mobile
        )
        return session_start(user=user, identifier=user.mobile)


def profile_register(*, user: User, name: str, email: str | None, referee_code: str | None) -> User:
    """Seed 004, step 3: name, e-mail and who referred this subscriber, once."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.email or user.referred_by_id:
            raise Conflict("This profile is already registered.")
        referrer = None
        if referee_code:
            referrer = User.objects.filter(referral_code__iexact=referee_code.strip()).first()
            if referrer is None or referrer.pk == user.pk:
                raise ValidationError({"referee_code": ["No such referral code."]})
        if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise ValidationError({"email": ["This e-mail address is already in use."]})
        before = {"name": user.name, "email": user.email, "referred_by": None}
        first, _, last = name.strip().partition(" ")
        user.first_name, user.last_name = first, last.strip()
        user.email = email.lower() if email else None
        user.referred_by = referrer
        if not user.referral_code:
            user.referral_code = _new_referral_code()
        user.save(
            update_fields=["first_name", "last_name", "email", "referred_by", "referral_code"]
        )
        if referrer is not None:
            extensions.announce_referral(referee_id=user.pk)
        audit_record(
            action="accounts.profile_registered",
            actor=user,
            target=user,
            before=before,
            after={
                "name": user.name,
                "email": user.email,
                "referred_by": referrer.pk if referrer else None,
            },
        )
    return user


def staff_register(
    *,
    username: str,
    email: str | None,
    role: StaffType,
    manager: User | None,
    password: str,
) -> User:
    """Seed 002: anyone may ask for a staff account; it waits for approval."""
    ratelimit.consume(registrations_per_ip(), request_context.current().ip or "unknown")
    with transaction.atomic():
        user = _create(
            username=username,
            email=email.lower() if email else None,
            user_type=role,
            manager=manager,
            status=AccountStatus.PENDING_APPROVAL,
            password=make_password(password),
        )
        auth_event_record(
            event=LoginEvent.REGISTERED,
            success=True,
            user=user,
            identifier=username,
            reason="pending_approval",
            details={"role": role},
        )
    return user


def user_status_activate(*, user: User, approver: User) -> User:
    """`status: active` on an account: approves one waiting for approval.

    An account already active stays so (the request holds); one blocked,
    deactivated or archived is a conflict, since those have their own ways back.
    """
    if user.status == AccountStatus.PENDING_APPROVAL:
        return user_approve(user=user, approver=approver)
    if not _may_approve(user=user, approver=approver):
        raise PermissionDenied("Only an administrator or the account's manager may approve it.")
    if user.status != AccountStatus.ACTIVE:
        raise Conflict(
            f"This account is {user.status}; only an account waiting for approval is "
            "activated here (unblock a blocked one with /admin/block/unblock_user)."
        )
    return user


def _may_approve(*, user: User, approver: User) -> bool:
    is_their_manager = approver.user_type == StaffType.MANAGER and user.manager_id == approver.pk
    return approver.has_perm("accounts.approve_user") or is_their_manager


def user_approve(*, user: User, approver: User) -> User:
    """Let a self-registered staff account sign in: an admin, or the manager it names."""
    if not _may_approve(user=user, approver=approver):
        raise PermissionDenied("Only an administrator or the account's manager may approve it.")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.status != AccountStatus.PENDING_APPROVAL:
            raise Conflict("This account is not waiting for approval.")
        user.status = AccountStatus.ACTIVE
        user.approved_by = approver
        user.approved_at = user.status_changed_at = timezone.now()
        user.save(update_fields=["status", "approved_by", "approved_at", "status_changed_at"])
        audit_record(
            action="accounts.user_approved",
            actor=approver,
            target=user,
            before={"status": AccountStatus.PENDING_APPROVAL},
            after={"status": AccountStatus.ACTIVE},
        )
    return user
