"""What users bought: their plans, the offers they redeemed, their autopays and referrals."""

from django.conf import settings
from django.db import models

from config.money import MONEY


class UserPlanStatus(models.TextChoices):
    QUEUED = "queued", "Queued after the current plan"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


class ActivationMode(models.TextChoices):
    ACTIVATE = "activate", "Start now"
    QUEUE = "queue", "Start when the current plan ends"


class UserPlan(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recharge_plans"
    )
    plan = models.ForeignKey("recharge.Plan", on_delete=models.PROTECT, related_name="+")
    transaction = models.OneToOneField(
        "recharge.Transaction", on_delete=models.PROTECT, related_name="user_plan"
    )
    phone_number = models.CharField(max_length=16)
    activation_mode = models.CharField(
        max_length=10, choices=ActivationMode.choices, default=ActivationMode.ACTIVATE
    )
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField()
    status = models.CharField(max_length=12, choices=UserPlanStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-id",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gt=models.F("valid_from")),
                name="recharge_user_plan_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=UserPlanStatus.values),
                name="recharge_user_plan_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_to"]),
            models.Index(fields=["status", "valid_from"]),
            models.Index(fields=["user", "status"]),
            models.Index(fields=["phone_number", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.plan} for {self.phone_number}"


class OfferRedemption(models.Model):
    offer = models.ForeignKey(
        "recharge.Offer", on_delete=models.PROTECT, related_name="redemptions"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    transaction = models.OneToOneField(
        "recharge.Transaction", on_delete=models.PROTECT, related_name="redemption"
    )
    discount_amount = models.DecimalField(**MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=["offer", "user"])]

    def __str__(self) -> str:
        return f"{self.offer} by {self.user_id}"


class AutopayStatus(models.TextChoices):
    ENABLED = "enabled", "Enabled"
    DISABLED = "disabled", "Disabled"


class Autopay(models.Model):
    """A standing order: buy `plan` for `phone_number` from the wallet on each due date."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="autopays"
    )
    plan = models.ForeignKey("recharge.Plan", on_delete=models.PROTECT, related_name="autopays")
    phone_number = models.CharField(max_length=16)
    tag = models.CharField(max_length=50, blank=True)
    next_due_date = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=AutopayStatus.choices, default=AutopayStatus.ENABLED
    )
    failure_count = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(
        null=True, blank=True, help_text="After a failed charge, not tried again before this."
    )
    last_failure_reason = models.CharField(max_length=255, blank=True)
    last_charged_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(
        null=True, blank=True, help_text="Removed by its owner; kept for its charge history."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-id",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=AutopayStatus.values),
                name="recharge_autopay_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_due_date"])]
        permissions = [("process_due_autopay", "Can run the due autopays")]

    def __str__(self) -> str:
        return f"autopay {self.pk} ({self.plan_id} for {self.phone_number})"


class AutopayChargeStatus(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class AutopayCharge(models.Model):
    """The charge for one due date of one autopay: there is at most one, whatever retries."""

    autopay = models.ForeignKey(Autopay, on_delete=models.PROTECT, related_name="charges")
    due_date = models.DateTimeField()
    status = models.CharField(max_length=10, choices=AutopayChargeStatus.choices)
    attempts = models.PositiveSmallIntegerField(default=1)
    transaction = models.OneToOneField(
        "recharge.Transaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="autopay_charge",
    )
    message = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-id",)
        constraints = [
            models.UniqueConstraint(
                fields=["autopay", "due_date"], name="recharge_autopay_charge_once_per_due_date"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AutopayChargeStatus.values),
                name="recharge_autopay_charge_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="succeeded") | models.Q(transaction__isnull=False),
                name="recharge_autopay_charge_success_has_txn",
            ),
        ]

    def __str__(self) -> str:
        return f"autopay {self.autopay_id} due {self.due_date:%Y-%m-%d}: {self.status}"


class ReferralStatus(models.TextChoices):
    PENDING = "pending", "Pending: the referee has not recharged yet"
    EARNED = "earned", "Earned and credited"


class ReferralReward(models.Model):
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referral_rewards"
    )
    # One reward per referee, ever.
    referred = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referral_reward_as_referee",
    )
    reward_amount = models.DecimalField(**MONEY)
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    transaction = models.OneToOneField(
        "recharge.Transaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referral_reward",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(referrer=models.F("referred")),
                name="recharge_referral_not_self",
            ),
            models.CheckConstraint(
                condition=models.Q(reward_amount__gt=0), name="recharge_referral_amount_gt_0"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReferralStatus.values),
                name="recharge_referral_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending")
                | (models.Q(transaction__isnull=False) & models.Q(claimed_at__isnull=False)),
                name="recharge_referral_earned_is_credited",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"referral {self.referrer_id} -> {self.referred_id}: {self.status}"
