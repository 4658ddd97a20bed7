import uuid

from django.conf import settings
from django.db import models
from django.utils.timezone import now

from accounts.choices import OtpPurpose


class OtpChallenge(models.Model):
    """One one-time code sent for one purpose to one person.

    The code itself is never stored: only a keyed hash of it, bound to this
    challenge's id. `request_id` (the primary key) is what clients hold.
    A challenge with `deliver` off is a decoy: it answers like a real one so
    that nobody can learn which identifiers have accounts, but nothing is sent
    and no code matches it.
    """

    MAX_ATTEMPTS = 5
    MAX_RESENDS = 3

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=32, choices=OtpPurpose.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="otp_challenges",
    )
    email = models.EmailField(null=True, blank=True)  # noqa: DJ001
    mobile = models.CharField(max_length=16, null=True, blank=True)  # noqa: DJ001
    # Data of a registration that becomes an account once the code is verified
    # (never a plain password: only its hash).
    payload = models.JSONField(default=dict, blank=True)
    code_hash = models.CharField(max_length=64)
    deliver = models.BooleanField(default=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    resend_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=now)
    last_sent_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=["mobile", "purpose", "-created_at"]),
            models.Index(fields=["expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attempts__lte=5), name="otp_attempts_at_most_5"
            ),
            models.CheckConstraint(
                condition=models.Q(resend_count__lte=3), name="otp_resends_at_most_3"
            ),
            models.CheckConstraint(
                condition=models.Q(purpose__in=OtpPurpose.values), name="otp_purpose_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} challenge {self.id}"
