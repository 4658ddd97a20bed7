"""Money coming in through a payment provider: payments, what the provider said, refunds.

A payment is our order for one amount from one user, paid through one
provider. Its status moves only through `payments.services` (one function per
transition, each with its audit event); what the provider reported along the
way is kept, scrubbed of card data, as `PaymentEvent` rows.
"""

import uuid

from django.conf import settings
from django.db import models

from config.money import MONEY
from payments.choices import PaymentPurpose


class PaymentStatus(models.TextChoices):
    CREATED = "created", "Created"
    PENDING = "pending", "Pending: waiting for the provider"
    CAPTURED = "captured", "Captured"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired unpaid"
    PARTIALLY_REFUNDED = "partially_refunded", "Partly refunded"
    REFUNDED = "refunded", "Refunded"


# Every legal move of a payment. A capture may still arrive after a failed
# attempt (the customer retried in the provider's checkout) or after our own
# deadline (the provider took the money late): the money is real, so it is
# honoured, unless the failure was a mismatch of amount or currency.
TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentStatus.CREATED: frozenset({PaymentStatus.PENDING, PaymentStatus.FAILED}),
    PaymentStatus.PENDING: frozenset(
        {PaymentStatus.CAPTURED, PaymentStatus.FAILED, PaymentStatus.EXPIRED}
    ),
    PaymentStatus.FAILED: frozenset({PaymentStatus.CAPTURED}),
    PaymentStatus.EXPIRED: frozenset({PaymentStatus.CAPTURED}),
    PaymentStatus.CAPTURED: frozenset({PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}),
    PaymentStatus.PARTIALLY_REFUNDED: frozenset(
        {PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}
    ),
    PaymentStatus.REFUNDED: frozenset(),
}
OPEN_STATUSES = (PaymentStatus.CREATED, PaymentStatus.PENDING)
PAID_STATUSES = (
    PaymentStatus.CAPTURED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)


class FailureCode(models.TextChoices):
    DECLINED = "declined", "Declined by the provider"
    AMOUNT_MISMATCH = "amount_mismatch", "Captured amount differs from the order"
    CURRENCY_MISMATCH = "currency_mismatch", "Captured currency differs from the order"


class Payment(models.Model):
    reference = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Our id of the payment, sent to the provider as the order's receipt.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    purpose = models.CharField(max_length=20, choices=PaymentPurpose.choices)
    provider = models.CharField(max_length=20)
    method = models.CharField(max_length=20, blank=True, help_text="UPI, Card or NetBanking.")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="INR")
    status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.CREATED
    )
    provider_order_id = models.CharField(max_length=64, blank=True)
    provider_payment_id = models.CharField(max_length=64, blank=True)
    amount_refunded = models.DecimalField(**MONEY, default=0)
    failure_code = models.CharField(max_length=20, choices=FailureCode.choices, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)
    expires_at = models.DateTimeField()
    captured_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When it failed or expired.")
    last_checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When the provider was last asked about it."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-id",)
        permissions = [
            ("refund_payment", "Can refund payments"),
            ("recheck_payment", "Can ask the provider about a payment"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payments_amount_gt_0"),
            models.CheckConstraint(
                condition=models.Q(amount_refunded__gte=0)
                & models.Q(amount_refunded__lte=models.F("amount")),
                name="payments_refunded_within_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PaymentStatus.values), name="payments_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(purpose__in=PaymentPurpose.values),
                name="payments_purpose_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=PAID_STATUSES)
                | (~models.Q(provider_payment_id="") & models.Q(captured_at__isnull=False)),
                name="payments_paid_has_provider_payment",
            ),
            models.CheckConstraint(
                condition=models.Q(status=PaymentStatus.CREATED) | ~models.Q(provider_order_id=""),
                name="payments_ordered_has_order_id",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_order_id"],
                condition=~models.Q(provider_order_id=""),
                name="payments_one_payment_per_order",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["user", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"payment {self.reference} {self.amount} {self.currency} ({self.status})"

    @property
    def refundable(self):
        return self.amount - self.amount_refunded


class EventSource(models.TextChoices):
    WEBHOOK = "webhook", "Provider webhook"
    CONFIRM = "confirm", "Client confirmation"
    ORDER = "order", "Order created"
    CHECK = "check", "Asked the provider"
    REFUND = "refund", "Refund"


class PaymentEvent(models.Model):
    """One message from (or answer of) a provider, kept for reconciliation.

    A webhook's event id is unique per provider, which is what makes a
    redelivered webhook a no-op.
    """

    provider = models.CharField(max_length=20)
    source = models.CharField(max_length=10, choices=EventSource.choices)
    event_id = models.CharField(max_length=100, blank=True)
    event_type = models.CharField(max_length=50, blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    payload = models.JSONField(default=dict, help_text="Scrubbed of card data and secrets.")
    outcome = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-id",)
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"],
                condition=~models.Q(event_id=""),
                name="payments_event_once_per_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type or self.source} {self.event_id}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Pending: not yet accepted by the provider"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"


class Refund(models.Model):
    """Money given back on a captured payment.

    `key` names why the refund exists (a failed fulfilment, a staff action);
    it is unique per payment, so a cause refunds at most once.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(**MONEY)
    key = models.CharField(max_length=100)
    reason = models.CharField(max_length=255)
    status = models.CharField(
        max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    provider_refund_id = models.CharField(max_length=64, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-id",)
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payments_refund_gt_0"),
            models.CheckConstraint(
                condition=models.Q(status__in=RefundStatus.values),
                name="payments_refund_status_valid",
            ),
            models.UniqueConstraint(fields=["payment", "key"], name="payments_refund_once_per_key"),
        ]

    def __str__(self) -> str:
        return f"refund {self.amount} of {self.payment_id} ({self.status})"


class SandboxOrderStatus(models.TextChoices):
    CREATED = "created", "Created"
    ATTEMPTED = "attempted", "Attempted, not paid"
    PAID = "paid", "Paid"


class SandboxOrder(models.Model):
    """The sandbox provider's own books: what a real provider would know about an order."""

    order_id = models.CharField(max_length=64, unique=True)
    receipt = models.CharField(max_length=64)
    amount_minor = models.PositiveBigIntegerField(help_text="In paise, as providers count.")
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=10, choices=SandboxOrderStatus.choices, default=SandboxOrderStatus.CREATED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-id",)

    def __str__(self) -> str:
        return self.order_id


class SandboxPayment(models.Model):
    """One attempt to pay a sandbox order, as the provider's payment entity, and its refunds."""

    order = models.ForeignKey(SandboxOrder, on_delete=models.CASCADE, related_name="attempts")
    payment_id = models.CharField(max_length=64, unique=True)
    entity = models.JSONField()
    refunds = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return self.payment_id
