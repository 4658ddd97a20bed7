"""Delivering a bought plan to the mobile operator, through an operator aggregator."""

from django.db import models


class FulfilmentStatus(models.TextChoices):
    INITIATED = "initiated", "Initiated: not yet sent to the aggregator"
    PENDING = "pending", "Pending at the aggregator"
    SUCCESS = "success", "Delivered to the operator"
    FAILED = "failed", "Failed: the money went back"


class Fulfilment(models.Model):
    """The operator-side half of a recharge: `initiated -> pending -> success | failed`.

    A failure after the money was taken refunds it, exactly once: the move to
    `failed` is a conditional UPDATE only one caller wins, and the refund is
    written in the same transaction.
    """

    transaction = models.OneToOneField(
        "recharge.Transaction", on_delete=models.PROTECT, related_name="fulfilment"
    )
    status = models.CharField(
        max_length=10, choices=FulfilmentStatus.choices, default=FulfilmentStatus.INITIATED
    )
    aggregator = models.CharField(max_length=50)
    aggregator_reference = models.CharField(max_length=100, blank=True)
    operator = models.CharField(max_length=50, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    refund_transaction = models.OneToOneField(
        "recharge.Transaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refund_of_fulfilment",
        help_text="The wallet credit that gave the money back, when paid from the wallet.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-id",)
        permissions = [("recheck_fulfilment", "Can ask the aggregator about a recharge")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=FulfilmentStatus.values),
                name="recharge_fulfilment_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"fulfilment of txn {self.transaction_id}: {self.status}"
