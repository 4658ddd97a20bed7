"""Errors of sign-in and one-time codes, each with its own stable `code`."""

import math

from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, Throttled

from config.exceptions import ApiError, Conflict

OTP_MESSAGES = {
    "otp_invalid": "The code is not valid.",
    "otp_expired": "The code has expired; ask for a new one.",
    "otp_used": "The code has already been used.",
    "otp_attempts_exceeded": "Too many wrong codes; ask for a new one.",
    "otp_resend_limit": "No more codes can be sent for this request; start again.",
    "otp_resend_too_soon": "Wait before asking for another code.",
}


class OtpError(ApiError):
    default_code = "otp_invalid"

    def __init__(self, code: str, *, attempts_left: int | None = None, retry_after=None):
        message = OTP_MESSAGES[code]
        if attempts_left is not None:
            message = f"{message} {attempts_left} attempt(s) left."
        super().__init__(detail=message, code=code)
        self.retry_after = retry_after
        if code in ("otp_resend_limit", "otp_resend_too_soon", "otp_attempts_exceeded"):
            self.status_code = status.HTTP_429_TOO_MANY_REQUESTS
        self.wait = math.ceil(retry_after) if retry_after else None


class InvalidCredentials(AuthenticationFailed):
    default_detail = "Invalid credentials."
    default_code = "invalid_credentials"


class AccountUnavailable(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "account_unavailable"
    default_detail = "This account cannot sign in."


class TwoFactorRequired(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "two_factor_required"
    default_detail = (
        "This account signs in with a one-time code: use /api/v1/auth/login, "
        "then /api/v1/auth/verify_login_otp."
    )


class SessionEnded(AuthenticationFailed):
    default_detail = "The session has ended; sign in again."
    default_code = "session_ended"


class LoginLocked(Throttled):
    default_detail = "Too many failed sign-ins; try again later."
    default_code = "login_locked"


class AccountProtected(Conflict):
    """A change that would leave the platform without a superuser, or lock an admin out of
    their own account."""

    default_code = "account_protected"
    default_detail = "This change to an administrator's account is not allowed."
