"""Writes of loans: create with their schedule, change terms, delete."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record
from config.exceptions import Conflict
from lending.models import Installment, Loan
from lending.services.schedule import schedule_build, standing_compute
from lending.services.snapshots import changed, snapshot

# Changing any of these rewrites the repayment schedule.
TERM_FIELDS = ("principal_amount", "interest_rate", "tenure_months", "loan_date")
STANDING_FIELDS = (
    "status",
    "amount_paid",
    "outstanding_principal",
    "outstanding_amount",
    "overdue_amount",
    "overdue_since",
    "days_past_due",
    "delinquency_bucket",
    "standing_as_of",
)


def _write_schedule(loan: Loan) -> list[Installment]:
    emi, rows = schedule_build(
        principal=loan.principal_amount,
        annual_rate_percent=loan.interest_rate,
        months=loan.tenure_months,
        loan_date=loan.loan_date,
    )
    loan.emi_amount = emi
    return Installment.objects.bulk_create(
        Installment(
            loan=loan,
            number=row.number,
            due_date=row.due_date,
            opening_balance=row.opening_balance,
            principal_due=row.principal,
            interest_due=row.interest,
            closing_balance=row.closing_balance,
        )
        for row in rows
    )


def standing_apply(loan: Loan, installments, as_of: date) -> list[str]:
    """Set the loan's standing from its instalments; the names of the fields that changed."""
    fields = standing_compute(installments, as_of).as_fields()
    names = [name for name, value in fields.items() if getattr(loan, name) != value]
    for name in names:
        setattr(loan, name, fields[name])
    return names


def loan_refresh_standing(*, loan: Loan, as_of: date | None = None) -> Loan:
    """Recompute one loan's standing (the caller holds the loan's row lock)."""
    as_of = as_of or timezone.localdate()
    names = standing_apply(loan, Installment.objects.filter(loan=loan), as_of)
    if names:
        loan.save(update_fields=names)
    return loan


def _save_checking_account_number(loan: Loan, **kwargs) -> None:
    try:
        with transaction.atomic():
            loan.save(**kwargs)
    except IntegrityError as exc:
        if "loan_account_number" not in str(exc):
            raise
        raise ValidationError(
            {"loan_account_number": ["A loan with this account number already exists."]}
        ) from exc


def loan_create(*, actor, data: dict) -> Loan:
    now = timezone.now()
    with transaction.atomic():
        loan = Loan(**data, created_by=actor, created_at=now, updated_at=now)
        _save_checking_account_number(loan)
        installments = _write_schedule(loan)
        standing_apply(loan, installments, timezone.localdate())
        loan.save(update_fields=["emi_amount", *STANDING_FIELDS])
        audit_record(action="lending.loan_created", actor=actor, target=loan, after=snapshot(loan))
    return loan


def loan_update(*, actor, loan: Loan, changes: dict) -> Loan:
    with transaction.atomic():
        loan = Loan.objects.select_for_update().get(pk=loan.pk)
        before = snapshot(loan)
        for field, value in changes.items():
            setattr(loan, field, value)
        terms_changed = any(before[name] != getattr(loan, name) for name in TERM_FIELDS)
        if terms_changed:
            if loan.repayments.exists():
                raise Conflict(
                    "The loan has repayments; its amount, rate, tenure and date can no longer change."
                )
            Installment.objects.filter(loan=loan).delete()
            installments = _write_schedule(loan)
            standing_apply(loan, installments, timezone.localdate())
        old, new = changed(before, snapshot(loan))
        if not new:
            return loan
        loan.updated_at = timezone.now()
        update_fields = [*new, "updated_at"]
        if terms_changed:
            update_fields += ["emi_amount", *STANDING_FIELDS]
        _save_checking_account_number(loan, update_fields=sorted(set(update_fields)))
        audit_record(action="lending.loan_updated", actor=actor, target=loan, before=old, after=new)
    return loan


def loan_delete(*, actor, loan: Loan) -> None:
    with transaction.atomic():
        loan = Loan.objects.select_for_update().get(pk=loan.pk)
        if loan.repayments.exists():
            raise Conflict("The loan has repayments and is kept as a record.")
        audit_record(action="lending.loan_deleted", actor=actor, target=loan, before=snapshot(loan))
        loan.delete()
