from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from lending.choices import DelinquencyBucket, LoanStatus

ZERO = Decimal("0.00")


class LoanType(models.TextChoices):
    PERSONAL = "personal", "Personal"
    HOME = "home", "Home"
    VEHICLE = "vehicle", "Vehicle"
    BUSINESS = "business", "Business"
    EDUCATION = "education", "Education"
    GOLD = "gold", "Gold"
    CONSUMER_DURABLE = "consumer_durable", "Consumer durable"
    OTHER = "other", "Other"


class Loan(models.Model):
    """A loan and its standing, kept current by repayments and the daily job.

    The standing columns (outstanding, overdue, days past due, bucket) are
    derived from the installments; they are stored so that worklists and
    portfolio filters are plain indexed queries.
    """

    loan_account_number = models.CharField(max_length=32, unique=True)
    customer = models.ForeignKey("lending.Customer", on_delete=models.PROTECT, related_name="loans")
    principal_amount = models.DecimalField(max_digits=14, decimal_places=2)
    interest_rate = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="Annual rate in percent, on the reducing balance."
    )
    loan_type = models.CharField(max_length=20, choices=LoanType.choices)
    tenure_months = models.PositiveSmallIntegerField()
    loan_date = models.DateField()
    emi_amount = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)

    status = models.CharField(max_length=10, choices=LoanStatus.choices, default=LoanStatus.ACTIVE)
    amount_paid = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    outstanding_principal = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    outstanding_amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        help_text="Principal and interest of the schedule not yet paid.",
    )
    overdue_amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        help_text="Unpaid part of the instalments whose due date has passed.",
    )
    overdue_since = models.DateField(
        null=True, blank=True, help_text="Due date of the oldest instalment still unpaid."
    )
    days_past_due = models.PositiveIntegerField(default=0)
    delinquency_bucket = models.CharField(
        max_length=10, choices=DelinquencyBucket.choices, default=DelinquencyBucket.CURRENT
    )
    standing_as_of = models.DateField(null=True, blank=True)

    next_follow_up_date = models.DateField(null=True, blank=True)
    next_follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who set the follow-up date (the creator of the latest interaction).",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["status", "days_past_due"]),
            models.Index(fields=["next_follow_up_date"]),
            models.Index(fields=["delinquency_bucket"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(principal_amount__gt=0), name="lending_loan_principal_positive"
            ),
            models.CheckConstraint(
                condition=Q(interest_rate__gte=0) & Q(interest_rate__lte=100),
                name="lending_loan_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(tenure_months__gte=1) & Q(tenure_months__lte=480),
                name="lending_loan_tenure_range",
            ),
            models.CheckConstraint(
                condition=Q(outstanding_amount__gte=0)
                & Q(overdue_amount__gte=0)
                & Q(outstanding_principal__gte=0)
                & Q(overdue_amount__lte=F("outstanding_amount")),
                name="lending_loan_standing_non_negative",
            ),
            models.CheckConstraint(
                condition=(Q(delinquency_bucket="current") & Q(days_past_due=0))
                | (Q(delinquency_bucket="1-30") & Q(days_past_due__range=(1, 30)))
                | (Q(delinquency_bucket="31-60") & Q(days_past_due__range=(31, 60)))
                | (Q(delinquency_bucket="61-90") & Q(days_past_due__range=(61, 90)))
                | (Q(delinquency_bucket="90+") & Q(days_past_due__gt=90)),
                name="lending_loan_bucket_matches_days",
            ),
            models.CheckConstraint(
                condition=Q(status__in=LoanStatus.values), name="lending_loan_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.loan_account_number


class Installment(models.Model):
    """One equated monthly instalment of a loan's schedule, and what has been paid of it."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="installments")
    number = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    opening_balance = models.DecimalField(max_digits=14, decimal_places=2)
    principal_due = models.DecimalField(max_digits=14, decimal_places=2)
    interest_due = models.DecimalField(max_digits=14, decimal_places=2)
    closing_balance = models.DecimalField(max_digits=14, decimal_places=2)
    principal_paid = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    interest_paid = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    paid_off_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("loan", "number")
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="lending_installment_unique"),
            models.CheckConstraint(
                condition=Q(principal_paid__gte=0)
                & Q(interest_paid__gte=0)
                & Q(principal_paid__lte=F("principal_due"))
                & Q(interest_paid__lte=F("interest_due")),
                name="lending_installment_paid_within_due",
            ),
        ]
        indexes = [models.Index(fields=["loan", "due_date"])]

    def __str__(self) -> str:
        return f"{self.loan_id} #{self.number} due {self.due_date}"

    @property
    def amount_due(self) -> Decimal:
        return self.principal_due + self.interest_due

    @property
    def amount_unpaid(self) -> Decimal:
        return self.principal_due - self.principal_paid + self.interest_due - self.interest_paid


class RepaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    UPI = "upi", "UPI"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    CHEQUE = "cheque", "Cheque"
    CARD = "card", "Card"
    NACH = "nach", "NACH mandate"
    OTHER = "other", "Other"


class ImmutableQuerySet(models.QuerySet):
    """Money records are written once: no bulk edits, no deletes."""

    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are immutable.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are immutable.")


class ImmutableModel(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are immutable.")


class Repayment(ImmutableModel):
    """Money received against a loan, split into interest and principal."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    interest_component = models.DecimalField(max_digits=14, decimal_places=2)
    principal_component = models.DecimalField(max_digits=14, decimal_places=2)
    paid_on = models.DateField()
    method = models.CharField(max_length=20, choices=RepaymentMethod.choices)
    reference = models.CharField(max_length=100, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-id",)
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="lending_repayment_positive"),
            models.CheckConstraint(
                condition=Q(interest_component__gte=0)
                & Q(principal_component__gte=0)
                & Q(amount=F("interest_component") + F("principal_component")),
                name="lending_repayment_components_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.paid_on} for loan {self.loan_id}"


class RepaymentAllocation(ImmutableModel):
    """The part of a repayment that went to one instalment."""

    repayment = models.ForeignKey(Repayment, on_delete=models.PROTECT, related_name="allocations")
    installment = models.ForeignKey(
        Installment, on_delete=models.PROTECT, related_name="allocations"
    )
    interest = models.DecimalField(max_digits=14, decimal_places=2)
    principal = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ("repayment", "installment__number")
        constraints = [
            models.CheckConstraint(
                condition=Q(interest__gte=0)
                & Q(principal__gte=0)
                & (Q(interest__gt=0) | Q(principal__gt=0)),
                name="lending_allocation_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"repayment {self.repayment_id} -> instalment {self.installment_id}"
