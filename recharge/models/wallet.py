"""Money: wallets, the immutable ledger under them, and the transactions users see."""

import uuid

from django.conf import settings
from django.db import models

from config.money import MONEY
from recharge.choices import TxnStatus


class PaymentMethod(models.TextChoices):
    WALLET = "wallet", "Wallet balance"
    UPI = "UPI", "UPI"
    CARD = "Card", "Card"
    NET_BANKING = "NetBanking", "Net banking"


class TxnCategory(models.TextChoices):
    WALLET = "wallet", "Wallet"
    SERVICE = "service", "Service"
    REFERRAL = "referral", "Referral"


class TxnType(models.TextChoices):
    CREDIT = "credit", "Credit"
    DEBIT = "debit", "Debit"


class TxnSource(models.TextChoices):
    WALLET_TOPUP = "wallet_topup", "Wallet top-up"
    RECHARGE = "recharge", "Recharge"
    AUTOPAY = "autopay", "Autopay"
    REFERRAL_REWARD = "referral_reward", "Referral reward"
    REVERSAL = "reversal", "Reversal"
    ADJUSTMENT = "adjustment", "Credit by staff"


class Wallet(models.Model):
    """A user's balance. It changes only together with a ledger entry (see services.wallet)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="wallet"
    )
    balance = models.DecimalField(**MONEY, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("id",)
        permissions = [("credit_wallet", "Can credit a wallet by hand")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="recharge_wallet_balance_gte_0"
            )
        ]

    def __str__(self) -> str:
        return f"wallet of {self.user}"


class Transaction(models.Model):
    """One payment as the user sees it (seed 004's `txn`): a top-up, a recharge, a reward.

    Its `status` follows the payment; the money in the wallet follows the ledger.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recharge_transactions"
    )
    category = models.CharField(max_length=16, choices=TxnCategory.choices)
    txn_type = models.CharField(max_length=8, choices=TxnType.choices)
    amount = models.DecimalField(**MONEY, help_text="What was paid or credited.")
    gross_amount = models.DecimalField(**MONEY, null=True, blank=True)
    discount_amount = models.DecimalField(**MONEY, default=0)
    source = models.CharField(max_length=20, choices=TxnSource.choices)
    status = models.CharField(max_length=12, choices=TxnStatus.choices, default=TxnStatus.PENDING)
    payment_method = models.CharField(max_length=16, choices=PaymentMethod.choices, blank=True)
    service_type = models.CharField(max_length=16, blank=True)
    phone_number = models.CharField(max_length=16, blank=True)
    plan = models.ForeignKey(
        "recharge.Plan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    offer = models.ForeignKey(
        "recharge.Offer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    activation_mode = models.CharField(
        max_length=10,
        blank=True,
        help_text="For a plan paid through a provider: how to start it once the money arrives.",
    )
    gateway = models.CharField(max_length=50, blank=True)
    gateway_reference = models.CharField(max_length=100, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)
    payment = models.OneToOneField(
        "payments.Payment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recharge_transaction",
        help_text="The provider payment that pays for it, when not paid from the wallet.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-id",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="recharge_txn_amount_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(discount_amount__gte=0), name="recharge_txn_discount_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=TxnStatus.values), name="recharge_txn_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=TxnCategory.values),
                name="recharge_txn_category_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(txn_type__in=TxnType.values), name="recharge_txn_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=TxnSource.values), name="recharge_txn_source_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"txn {self.pk} {self.txn_type} {self.amount}"


class LedgerEntryQuerySet(models.QuerySet):
    """Ledger entries are written once and never changed; a mistake gets a reversing entry."""

    def update(self, **kwargs):
        raise TypeError("Ledger entries are immutable; write a reversing entry instead.")

    def delete(self):
        raise TypeError("Ledger entries are immutable; write a reversing entry instead.")


class LedgerEntry(models.Model):
    """One change of one wallet's balance: signed `amount`, and the balance it left."""

    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="entries")
    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    amount = models.DecimalField(**MONEY, help_text="Credit positive, debit negative.")
    balance_after = models.DecimalField(**MONEY)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    description = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        verbose_name_plural = "ledger entries"
        permissions = [("reverse_ledgerentry", "Can reverse ledger entries")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=0), name="recharge_ledger_amount_not_0"
            ),
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0), name="recharge_ledger_balance_after_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount:+} on wallet {self.wallet_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Ledger entries are immutable; write a reversing entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Ledger entries are immutable; write a reversing entry instead.")
