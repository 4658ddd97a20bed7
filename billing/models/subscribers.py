"""ISP subscribers: the customers of an organization (not staff users), and their history."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from billing.models.locations import District, Thana
from billing.models.organizations import Organization
from billing.models.packages import IspPackage


class SubscriberStatus(models.TextChoices):
    NEW = "new", "New: not yet connected"
    ACTIVE = "active", "Active"
    GRACE = "grace", "In grace: an invoice is overdue"
    SUSPENDED = "suspended", "Suspended"
    INACTIVE = "inactive", "Inactive: disconnected"


# The statuses that are billed: a new period starts for them when the last one ends.
BILLED_STATUSES = (SubscriberStatus.ACTIVE, SubscriberStatus.GRACE)


class IspSubscriber(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="isp_subscribers"
    )
    name = models.CharField(max_length=150)
    phone = models.CharField(max_length=16, help_text="E.164.")
    email = models.EmailField(blank=True)
    pppoe_username = models.CharField(
        max_length=64, help_text="Login id on the router; unique across the whole network."
    )
    package = models.ForeignKey(IspPackage, on_delete=models.PROTECT, related_name="subscribers")
    status = models.CharField(
        max_length=10, choices=SubscriberStatus.choices, default=SubscriberStatus.NEW
    )
    status_reason = models.CharField(max_length=255, blank=True)
    billing_day = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="Day of the month monthly periods start (1-28).",
    )
    address = models.TextField(blank=True)
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    thana = models.ForeignKey(
        Thana, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hold_suspension_until = models.DateField(
        null=True, blank=True, help_text="Not suspended for non-payment before this date passes."
    )
    period_start = models.DateField(null=True, blank=True, help_text="Current billing period.")
    period_end = models.DateField(
        null=True, blank=True, help_text="End of the current period (exclusive): the expiry."
    )
    grace_ends_at = models.DateTimeField(null=True, blank=True)
    suspended_by_billing = models.BooleanField(
        default=False,
        help_text="Suspended for non-payment (lifted by paying), not by staff.",
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("organization", "name", "id")
        verbose_name = "ISP subscriber"
        permissions = [("collect_payment", "Can record payments of ISP subscribers")]
        constraints = [
            # One router namespace for the network: resellers share the BRAS/NAS.
            models.UniqueConstraint(
                Lower("pppoe_username"),
                name="isp_subscriber_pppoe_unique",
                violation_error_message="This PPPoE username is taken.",
            ),
            models.CheckConstraint(
                condition=Q(billing_day__gte=1, billing_day__lte=28),
                name="isp_subscriber_billing_day_1_28",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SubscriberStatus.values),
                name="isp_subscriber_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True, period_end__isnull=True)
                | Q(period_end__gt=F("period_start")),
                name="isp_subscriber_period_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "period_end"]),
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.pppoe_username})"


class IspStatusChange(models.Model):
    """Every move of a subscriber's status, with its reason (append-only)."""

    subscriber = models.ForeignKey(
        IspSubscriber, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=10, choices=SubscriberStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=SubscriberStatus.choices)
    reason = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "ISP subscriber status change"

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.from_status or '-'} -> {self.to_status}"


class IspReminder(models.Model):
    """A reminder sent before a period ends: at most one per subscriber, expiry and lead time."""

    subscriber = models.ForeignKey(
        IspSubscriber, on_delete=models.CASCADE, related_name="reminders"
    )
    expires_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "ISP expiry reminder"
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "expires_on", "days_before"], name="isp_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.days_before} day(s) before {self.expires_on}"
