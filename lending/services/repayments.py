"""Money received against a loan."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from config.exceptions import Conflict
from lending.models import Installment, Loan, LoanStatus, Repayment, RepaymentAllocation
from lending.services.loans import standing_apply
from lending.services.schedule import ZERO, allocate
from lending.services.snapshots import snapshot


def repayment_record(
    *,
    actor,
    loan: Loan,
    amount: Decimal,
    paid_on: date,
    method: str,
    reference: str = "",
) -> Repayment:
    """Record a repayment, allocated interest first, then principal.

    Under the loan's row lock: the instalments are read, the split is written
    to them and to an immutable repayment with its allocations, the loan's
    standing is recomputed, and the audit event joins the same transaction.
    """
    today = timezone.localdate()
    with transaction.atomic():
        loan = Loan.objects.select_for_update().get(pk=loan.pk)
        if paid_on < loan.loan_date:
            raise ValidationError({"paid_on": ["The payment cannot be before the loan date."]})
        if paid_on > today:
            raise ValidationError({"paid_on": ["The payment date cannot be in the future."]})
        if loan.status == LoanStatus.CLOSED:
            raise Conflict("The loan is fully repaid.")
        installments = list(Installment.objects.filter(loan=loan).order_by("number"))
        try:
            shares = allocate(installments, amount, paid_on)
        except ValueError as exc:
            raise ValidationError({"amount": [str(exc)]}) from exc

        for share in shares:
            item = share.installment
            item.interest_paid += share.interest
            item.principal_paid += share.principal
            if item.amount_unpaid == ZERO:
                item.paid_off_on = paid_on
        Installment.objects.bulk_update(
            [share.installment for share in shares],
            ["interest_paid", "principal_paid", "paid_off_on"],
        )
        repayment = Repayment.objects.create(
            loan=loan,
            amount=amount,
            interest_component=sum((share.interest for share in shares), ZERO),
            principal_component=sum((share.principal for share in shares), ZERO),
            paid_on=paid_on,
            method=method,
            reference=reference,
            received_by=actor,
        )
        RepaymentAllocation.objects.bulk_create(
            RepaymentAllocation(
                repayment=repayment,
                installment=share.installment,
                interest=share.interest,
                principal=share.principal,
            )
            for share in shares
        )
        before = {
            "outstanding_amount": loan.outstanding_amount,
            "days_past_due": loan.days_past_due,
            "status": loan.status,
        }
        names = standing_apply(loan, installments, today)
        loan.updated_at = timezone.now()
        loan.save(update_fields=[*names, "updated_at"])
        audit_record(
            action="lending.repayment_recorded",
            actor=actor,
            target=repayment,
            before=before,
            after={
                **snapshot(repayment),
                "outstanding_amount": loan.outstanding_amount,
                "days_past_due": loan.days_past_due,
                "status": loan.status,
            },
        )
    return repayment
