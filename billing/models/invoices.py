"""What subscribers owe and pay: invoices per period, payments and how they were allocated."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from billing.models.organizations import Organization
from billing.models.packages import IspPackage
from billing.models.subscribers import IspSubscriber
from config.money import MONEY


class InvoiceStatus(models.TextChoices):
    OPEN = "open", "Open"
    PARTIALLY_PAID = "partially_paid", "Partly paid"
    PAID = "paid", "Paid"


OPEN_INVOICE_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID)


class InvoiceLineKind(models.TextChoices):
    PACKAGE = "package", "Package for the period"
    PRORATION_CREDIT = "proration_credit", "Unused part of the previous package"
    PRORATION_CHARGE = "proration_charge", "Rest of the period on the new package"


class IspInvoice(models.Model):
    """One billing period of one subscriber: at most one invoice per subscriber and period."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="isp_invoices"
    )
    subscriber = models.ForeignKey(IspSubscriber, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=64, unique=True)
    period_start = models.DateField()
    period_end = models.DateField(help_text="Exclusive.")
    due_date = models.DateField()
    total = models.DecimalField(**MONEY)
    amount_paid = models.DecimalField(**MONEY, default=0)
    status = models.CharField(
        max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-period_start", "-id")
        verbose_name = "ISP invoice"
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "period_start"], name="isp_invoice_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="isp_invoice_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0, amount_paid__gte=0, amount_paid__lte=F("total")),
                name="isp_invoice_paid_within_total",
            ),
            models.CheckConstraint(
                condition=Q(status=InvoiceStatus.PAID, amount_paid=F("total"))
                | Q(status=InvoiceStatus.OPEN, amount_paid=0, total__gt=0)
                | Q(
                    status=InvoiceStatus.PARTIALLY_PAID,
                    amount_paid__gt=0,
                    amount_paid__lt=F("total"),
                ),
                name="isp_invoice_status_matches_amounts",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["organization", "-period_start"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def balance_due(self):
        return self.total - self.amount_paid


class IspInvoiceLine(models.Model):
    invoice = models.ForeignKey(IspInvoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=20, choices=InvoiceLineKind.choices)
    package = models.ForeignKey(IspPackage, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=255)
    days = models.PositiveSmallIntegerField(help_text="Days of the period this line covers.")
    period_days = models.PositiveSmallIntegerField()
    amount = models.DecimalField(**MONEY, help_text="Credits are negative.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("invoice", "id")
        verbose_name = "ISP invoice line"
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="isp_invoice_line_amount_not_0"),
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=F("period_days")),
                name="isp_invoice_line_days_within_period",
            ),
            models.CheckConstraint(
                condition=Q(kind=InvoiceLineKind.PRORATION_CREDIT, amount__lt=0)
                | (~Q(kind=InvoiceLineKind.PRORATION_CREDIT) & Q(amount__gt=0)),
                name="isp_invoice_line_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class IspPaymentMethod(models.TextChoices):
    CASH = "cash", "Cash to a collector"
    BKASH = "bkash", "bKash"
    NAGAD = "nagad", "Nagad"


# Mobile financial services: the payment carries the provider's transaction id.
MFS_METHODS = (IspPaymentMethod.BKASH, IspPaymentMethod.NAGAD)


class IspPayment(models.Model):
    """Money a subscriber paid; allocated to the oldest open invoices, the rest kept as credit."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="isp_payments"
    )
    subscriber = models.ForeignKey(IspSubscriber, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(**MONEY)
    unallocated = models.DecimalField(
        **MONEY, default=0, help_text="Not yet applied to an invoice (an advance)."
    )
    method = models.CharField(max_length=8, choices=IspPaymentMethod.choices)
    reference = models.CharField(max_length=64, blank=True, help_text="bKash/Nagad transaction id.")
    receipt_number = models.CharField(max_length=48)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for payments recorded by the system (imports, demo data).",
    )
    note = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-received_at", "-id")
        verbose_name = "ISP payment"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="isp_payment_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(unallocated__gte=0, unallocated__lte=F("amount")),
                name="isp_payment_unallocated_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(method__in=IspPaymentMethod.values), name="isp_payment_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(method=IspPaymentMethod.CASH) | ~Q(reference=""),
                name="isp_payment_mfs_has_reference",
            ),
            models.UniqueConstraint(
                fields=["organization", "receipt_number"], name="isp_receipt_unique_in_organization"
            ),
            # A bKash or Nagad transaction pays once, whoever records it.
            models.UniqueConstraint(
                fields=["method", "reference"],
                condition=~Q(reference=""),
                name="isp_payment_reference_once",
            ),
        ]
        indexes = [models.Index(fields=["organization", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.receipt_number}: {self.amount}"


class IspPaymentAllocation(models.Model):
    payment = models.ForeignKey(IspPayment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(IspInvoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(**MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        verbose_name = "ISP payment allocation"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="isp_allocation_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} of {self.payment_id} to {self.invoice_id}"


class IspReceiptSequence(models.Model):
    """The last receipt number an organization issued; bumped by one conditional UPDATE."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="isp_receipt_sequence"
    )
    last_number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "ISP receipt sequence"

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.last_number}"
