"""Reseller balances: prepaid money a reseller holds with the organization above it.

The balance changes only with a ledger entry in the same statement (see
`billing.services.reseller_balance`), so it always equals the sum of its
entries and never goes below zero; entries are never changed or deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from billing.models.organizations import Organization
from billing.models.subscribers import IspSubscriber
from config.money import MONEY


class ResellerEntryKind(models.TextChoices):
    TOP_UP = "top_up", "Top-up"
    ACTIVATION = "activation", "Subscriber activated"
    RENEWAL = "renewal", "Subscriber renewed"
    PACKAGE_CHANGE = "package_change", "Package changed mid-period"
    COMMISSION = "commission", "Commission from a sub-reseller"


class ResellerAccount(models.Model):
    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="reseller_account"
    )
    balance = models.DecimalField(**MONEY, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("organization",)
        verbose_name = "reseller balance"
        permissions = [("credit_reselleraccount", "Can top up reseller balances")]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="billing_reseller_balance_gte_0"
            )
        ]

    def __str__(self) -> str:
        return f"balance of {self.organization_id}: {self.balance}"


class ResellerLedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Reseller ledger entries are append-only.")

    def delete(self):
        raise TypeError("Reseller ledger entries are append-only.")


class ResellerLedgerEntry(models.Model):
    account = models.ForeignKey(ResellerAccount, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=ResellerEntryKind.choices)
    amount = models.DecimalField(**MONEY, help_text="Credit positive, debit negative.")
    balance_after = models.DecimalField(**MONEY)
    subscriber = models.ForeignKey(
        IspSubscriber, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    invoice = models.ForeignKey(
        "billing.IspInvoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    objects = ResellerLedgerQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        verbose_name = "reseller ledger entry"
        verbose_name_plural = "reseller ledger entries"
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="billing_reseller_entry_not_0"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="billing_reseller_entry_balance_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ResellerEntryKind.values),
                name="billing_reseller_entry_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["account", "created_at"])]

    def __str__(self) -> str:
        return f"{self.amount:+} on {self.account_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Reseller ledger entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Reseller ledger entries are append-only.")


class ResellerCommission(models.Model):
    """The parent's share of a sub-reseller's debit, as its organization's settings give it."""

    beneficiary = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="commissions_earned"
    )
    source = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="commissions_paid"
    )
    debit = models.OneToOneField(
        ResellerLedgerEntry, on_delete=models.PROTECT, related_name="commission"
    )
    credit = models.OneToOneField(ResellerLedgerEntry, on_delete=models.PROTECT, related_name="+")
    base_amount = models.DecimalField(**MONEY)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    amount = models.DecimalField(**MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-id",)
        verbose_name = "reseller commission"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_commission_gt_0"),
            models.CheckConstraint(
                condition=Q(percent__gt=0, percent__lte=100), name="billing_commission_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} to {self.beneficiary_id} from {self.source_id}"
