"""Signing in: with a password (and a second factor when the account has one) or by phone."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from accounts.errors import (
    AccountUnavailable,
    InvalidCredentials,
    LoginLocked,
    OtpError,
    TwoFactorRequired,
)
from accounts.models import AccountStatus, LoginEvent, OtpChallenge, OtpPurpose, User
from accounts.selectors import Identifier, user_by_identifier
from accounts.services import security
from accounts.services.activity import auth_event_record
from accounts.services.otp import latest_open_challenge, otp_issue, otp_verify
from accounts.services.sessions import IssuedTokens, session_start
from audit import context as request_context
from audit.services import audit_record
from config import ratelimit
from config.ratelimit import Rule
from config.tasks import enqueue_on_commit

# Five failures for one identifier from one address lock that pair; a stranger
# elsewhere cannot lock the owner out unless failures reach 100 in an hour.
FAILURES_PER_IDENTIFIER_AND_IP = Rule("login-fail-id-ip", limit=5, window=900, lock=900)
FAILURES_PER_IDENTIFIER = Rule("login-fail-id", limit=100, window=3600, lock=3600)
FAILURES_PER_IP = Rule("login-fail-ip", limit=50, window=900, lock=900)
PHONE_CODES_PER_NUMBER = Rule("login-otp-phone", limit=5, window=900, lock=900)
PHONE_CODES_PER_IP = Rule("login-otp-ip", limit=30, window=3600, lock=3600)


@dataclass(frozen=True)
class LoginResult:
    tokens: IssuedTokens | None = None
    challenge: OtpChallenge | None = None


def second_factor_required(user: User) -> bool:
    """Accounts with two-factor sign-in on, and every staff account.

    `AUTH_STAFF_SECOND_FACTOR` off (local development only) leaves staff to
    their own two-factor switch.
    """
    if user.two_factor_enabled:
        return True
    return settings.AUTH_STAFF_SECOND_FACTOR and (user.is_staff or user.is_superuser)


def _client_ip() -> str:
    return request_context.current().ip or "unknown"


def _blocked_address_error(until) -> AccountUnavailable:
    return AccountUnavailable(
        f"Sign-in from this address is blocked until {until.isoformat()}.", code="ip_blocked"
    )


def _refuse_blocked_address() -> None:
    until = security.ip_blocked_until(request_context.current().ip)
    if until is not None:
        raise _blocked_address_error(until)


def _may_pass_address_block(user: User | None) -> bool:
    """A superuser locked out by an address block is let through with password and code."""
    return (
        user is not None
        and user.is_superuser
        and user.is_active
        and bool(user.email or user.mobile)
    )


def _guard_limits(key: str) -> None:
    ip = _client_ip()
    wait = max(
        ratelimit.locked_for(FAILURES_PER_IDENTIFIER_AND_IP, f"{key}|{ip}"),
        ratelimit.locked_for(FAILURES_PER_IDENTIFIER, key),
        ratelimit.locked_for(FAILURES_PER_IP, ip),
    )
    if wait:
        raise LoginLocked(wait=wait)


def _fail(*, key: str, user: User | None, reason: str) -> None:
    """Count and record a failed sign-in, commit that record, then refuse."""
    ip = _client_ip()
    with transaction.atomic(durable=True):
        auth_event_record(
            event=LoginEvent.LOGIN_FAILED, success=False, user=user, identifier=key, reason=reason
        )
        ratelimit.hit(FAILURES_PER_IDENTIFIER_AND_IP, f"{key}|{ip}")
        ratelimit.hit(FAILURES_PER_IP, ip)
        security.security_after_failed_login(
            identifier=key, user=user, ip=request_context.current().ip
        )
        if ratelimit.hit(FAILURES_PER_IDENTIFIER, key) and user is not None:
            auth_event_record(
                event=LoginEvent.LOCKED_OUT,
                success=False,
                user=user,
                identifier=key,
                reason="all_addresses",
            )
            enqueue_on_commit("accounts.tasks.notify_lockout", user.pk)
    raise InvalidCredentials()


def _refuse_unavailable(user: User, key: str) -> None:
    """Refuse accounts that may not sign in now; a deactivated one may, to reactivate."""
    if user.is_active or user.status == AccountStatus.DEACTIVATED:
        return
    if user.status == AccountStatus.BLOCKED:
        with transaction.atomic(durable=True):
            security.security_blocked_access(user=user, ip=request_context.current().ip)
    if user.status == AccountStatus.PENDING_APPROVAL:
        error = AccountUnavailable(
            "This account is waiting for approval.", code="account_pending_approval"
        )
    elif user.status == AccountStatus.BLOCKED:
        until = f" until {user.blocked_until.isoformat()}" if user.blocked_until else ""
        error = AccountUnavailable(f"This account is blocked{until}.", code="account_blocked")
    else:
        error = AccountUnavailable()
    with transaction.atomic(durable=True):
        auth_event_record(
            event=LoginEvent.LOGIN_FAILED,
            success=False,
            user=user,
            identifier=key,
            reason=str(error.get_codes()),
        )
    raise error


def login_with_password(
    *,
    identifier: Identifier | None,
    raw_identifier: str,
    password: str,
    remember_me: bool = False,
    second_factor_allowed: bool = True,
    client: str = "",
) -> LoginResult:
    """Check a password. Tokens, or an OTP challenge when the account has two-factor on.

    With `second_factor_allowed` off (endpoints that can only answer with
    tokens), an account with two-factor sign-in is refused rather than let in
    on its password alone.
    """
    key = identifier.value if identifier else raw_identifier.strip().lower()
    blocked_until = security.ip_blocked_until(request_context.current().ip)
    if blocked_until is not None:
        return _login_from_blocked_address(
            key=key,
            identifier=identifier,
            password=password,
            remember_me=remember_me,
            second_factor_allowed=second_factor_allowed,
            blocked_until=blocked_until,
            client=client,
        )
    _guard_limits(key)
    user = user_by_identifier(identifier)
    if user is None:
        # Hash anyway, so an unknown identifier takes as long as a wrong password.
        User().set_password(password)
        _fail(key=key, user=None, reason="unknown_identifier")
    if not user.check_password(password):
        _fail(key=key, user=user, reason="wrong_password")
    ratelimit.reset(FAILURES_PER_IDENTIFIER_AND_IP, f"{key}|{_client_ip()}")
    _refuse_unavailable(user, key)

    if second_factor_required(user):
        if not second_factor_allowed:
            with transaction.atomic(durable=True):
                auth_event_record(
                    event=LoginEvent.LOGIN_FAILED,
                    success=False,
                    user=user,
                    identifier=key,
                    reason="two_factor_required",
                )
            raise TwoFactorRequired()
        if not (user.email or user.mobile):
            raise AccountUnavailable(
                "This account has nowhere to send a sign-in code; ask an administrator "
                "to add an e-mail address or a mobile number.",
                code="second_factor_unavailable",
            )
        challenge = otp_issue(
            purpose=OtpPurpose.LOGIN,
            user=user,
            email=user.email,
            mobile=user.mobile,
            payload={"remember_me": remember_me, "client": client},
        )
        return LoginResult(challenge=challenge)
    return LoginResult(
        tokens=session_start(user=user, remember_me=remember_me, identifier=key, client=client)
    )


def _login_from_blocked_address(
    *,
    key: str,
    identifier: Identifier | None,
    password: str,
    remember_me: bool,
    second_factor_allowed: bool,
    blocked_until,
    client: str = "",
) -> LoginResult:
    """Sign-in from a blocked address: refused, except a superuser's right password.

    Every other attempt gets the same refusal whether or not its password is
    right, after the same password check, and counts against the identifier
    from this address: the block never tells a stranger which passwords work.
    The superuser still has to give the code sent to them.
    """
    _guard_limits(key)
    user = user_by_identifier(identifier)
    if user is None:
        User().set_password(password)
        right = False
    else:
        right = user.check_password(password)
    if not (right and second_factor_allowed and _may_pass_address_block(user)):
        with transaction.atomic(durable=True):
            auth_event_record(
                event=LoginEvent.LOGIN_FAILED,
                success=False,
                user=user,
                identifier=key,
                reason="ip_blocked",
            )
            ratelimit.hit(FAILURES_PER_IDENTIFIER_AND_IP, f"{key}|{_client_ip()}")
        raise _blocked_address_error(blocked_until)
    ratelimit.reset(FAILURES_PER_IDENTIFIER_AND_IP, f"{key}|{_client_ip()}")
    challenge = otp_issue(
        purpose=OtpPurpose.LOGIN,
        user=user,
        email=user.email,
        mobile=user.mobile,
        payload={"remember_me": remember_me, "address_blocked": True, "client": client},
    )
    return LoginResult(challenge=challenge)


def login_request_phone_code(*, mobile: str) -> OtpChallenge:
    """Passwordless sign-in: send a code to a phone number.

    The reply is the same whether or not the number has an account. Accounts
    with two-factor sign-in get nothing here: a code alone would skip their
    password.
    """
    _refuse_blocked_address()
    ratelimit.consume(PHONE_CODES_PER_NUMBER, mobile)
    ratelimit.consume(PHONE_CODES_PER_IP, _client_ip())
    user = User.objects.filter(mobile=mobile).first()
    eligible = (
        user is not None
        and not second_factor_required(user)
        and (user.is_active or user.status == AccountStatus.DEACTIVATED)
    )
    return otp_issue(
        purpose=OtpPurpose.LOGIN,
        user=user if eligible else None,
        mobile=mobile,
        deliver=eligible,
    )


def login_verify_code(*, request_id, code: str) -> IssuedTokens:
    """Second step of any code sign-in: the code for tokens.

    From a blocked address only a superuser's code still counts (and that
    sign-in is an audit event of its own).
    """
    blocked_until = security.ip_blocked_until(request_context.current().ip)
    if blocked_until is not None:
        pending = OtpChallenge.objects.select_related("user").filter(pk=request_id).first()
        if pending is None or not _may_pass_address_block(pending.user):
            raise _blocked_address_error(blocked_until)
    challenge = otp_verify(request_id=request_id, code=code, purposes={OtpPurpose.LOGIN})
    user = challenge.user
    key = challenge.mobile or challenge.email or ""
    _refuse_unavailable(user, key)
    remember_me = bool(challenge.payload.get("remember_me", False))
    with transaction.atomic():
        tokens = session_start(
            user=user,
            remember_me=remember_me,
            identifier=key,
            client=str(challenge.payload.get("client") or ""),
        )
        if blocked_until is not None:
            audit_record(
                action="auth.address_block_passed",
                actor=user,
                target=user,
                description="A superuser signed in with password and code from a blocked address.",
                after={
                    "blocked_until": blocked_until.isoformat(),
                    "session": str(tokens.session.pk),
                },
            )
    return tokens


def login_verify_phone_code(*, mobile: str, code: str) -> IssuedTokens:
    """Code sign-in for clients that send the phone number instead of the request id."""
    challenge = latest_open_challenge(purpose=OtpPurpose.LOGIN, mobile=mobile)
    if challenge is None:
        raise OtpError("otp_invalid")
    return login_verify_code(request_id=challenge.pk, code=code)
