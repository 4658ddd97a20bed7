from django.conf import settings
from django.db import models
from django.utils.timezone import now


class LoginEvent(models.TextChoices):
    LOGIN_SUCCEEDED = "login_succeeded", "Signed in"
    LOGIN_FAILED = "login_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Sign-in locked"
    OTP_SENT = "otp_sent", "Code sent"
    OTP_VERIFIED = "otp_verified", "Code verified"
    OTP_FAILED = "otp_failed", "Code refused"
    TOKEN_REFRESHED = "token_refreshed", "Session refreshed"
    TOKEN_REUSED = "token_reused", "Old refresh token presented"
    LOGOUT = "logout", "Signed out"
    REGISTERED = "registered", "Registered"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"


class LoginActivity(models.Model):
    """Every attempt to get in, successful or not, with where it came from."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="login_activities",
    )
    identifier = models.CharField(max_length=255, blank=True)
    event = models.CharField(max_length=32, choices=LoginEvent.choices)
    success = models.BooleanField()
    reason = models.CharField(max_length=64, blank=True)
    session = models.ForeignKey(
        "accounts.AuthSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    device = models.CharField(max_length=100, blank=True)
    browser = models.CharField(max_length=100, blank=True)
    os = models.CharField(max_length=100, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=now, db_index=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name_plural = "login activities"
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["event", "success", "-created_at"]),
            models.Index(fields=["ip", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.identifier} {self.created_at:%Y-%m-%d %H:%M}"
