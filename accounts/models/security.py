from django.conf import settings
from django.db import models
from django.utils.timezone import now


class ThreatLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class ActivityKind(models.TextChoices):
    MULTIPLE_FAILED_LOGINS = "multiple_failed_logins", "Repeated failures on one account"
    CREDENTIAL_STUFFING = "credential_stuffing", "One address failing on many accounts"
    OTP_ABUSE = "otp_abuse", "Many wrong one-time codes"
    NEW_DEVICE = "new_device", "Sign-in from a new device or address"
    BLOCKED_USER_ACCESS = "blocked_user_access", "A blocked account tried to get in"
    PAYMENT_TAMPERING = "payment_tampering", "A payment that does not match its order"
    IDENTITY_NUMBER_CONTESTED = (
        "identity_number_contested",
        "An identity number already held by another account",
    )


class ActionTaken(models.TextChoices):
    ALERT = "alert", "Alerted"
    LOCK = "lock", "Sign-in locked"
    IP_BLOCKED = "ip_blocked", "Address blocked"
    USER_NOTIFIED = "user_notified", "Owner told"


class SuspiciousActivity(models.Model):
    """A finding of the sign-in detector, with what was done about it."""

    kind = models.CharField(max_length=32, choices=ActivityKind.choices)
    threat_level = models.CharField(max_length=16, choices=ThreatLevel.choices)
    action_taken = models.CharField(max_length=16, choices=ActionTaken.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suspicious_activities",
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    identifier = models.CharField(max_length=255, blank=True)
    details = models.JSONField(default=dict, blank=True)
    detected_at = models.DateTimeField(default=now, db_index=True)

    class Meta:
        ordering = ("-detected_at",)
        verbose_name_plural = "suspicious activities"
        indexes = [
            models.Index(fields=["kind", "ip", "-detected_at"]),
            models.Index(fields=["threat_level", "-detected_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.threat_level})"


class BlockedIP(models.Model):
    """An address refused at sign-in until `blocked_until`."""

    ip = models.GenericIPAddressField()
    reason = models.CharField(max_length=255)
    blocked_until = models.DateTimeField()
    created_at = models.DateTimeField(default=now)
    activity = models.ForeignKey(
        SuspiciousActivity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at",)
        verbose_name = "blocked IP address"
        indexes = [models.Index(fields=["ip", "blocked_until"])]

    def __str__(self) -> str:
        return f"{self.ip} until {self.blocked_until:%Y-%m-%d %H:%M}"
