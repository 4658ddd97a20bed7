"""The daily job: days past due and buckets move with the calendar, not only with money."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import DecimalField, F, Min, Q, Sum

from audit.services import audit_record
from lending.models import DelinquencyBucket, Installment, Loan, LoanStatus
from lending.services.schedule import ZERO

_UNPAID = Q(principal_paid__lt=F("principal_due")) | Q(interest_paid__lt=F("interest_due"))
_UNPAID_AMOUNT = F("principal_due") - F("principal_paid") + F("interest_due") - F("interest_paid")
_TIME_FIELDS = ("overdue_amount", "overdue_since", "days_past_due", "delinquency_bucket")


@dataclass(frozen=True)
class RefreshResult:
    as_of: date
    loans_checked: int
    loans_changed: int


def _refresh_batch(loan_ids: list[int], as_of: date) -> int:
    with transaction.atomic():
        # Locked in pk order, as repayments lock them one at a time, so the
        # two never deadlock and never overwrite each other's standing.
        loans = list(
            Loan.objects.select_for_update()
            .filter(pk__in=loan_ids, status=LoanStatus.ACTIVE)
            .order_by("pk")
            .only("pk", *_TIME_FIELDS)
        )
        overdue = {
            row["loan_id"]: row
            for row in Installment.objects.filter(loan_id__in=loan_ids, due_date__lt=as_of)
            .filter(_UNPAID)
            .values("loan_id")
            .annotate(
                since=Min("due_date"),
                amount=Sum(
                    _UNPAID_AMOUNT, output_field=DecimalField(max_digits=14, decimal_places=2)
                ),
            )
        }
        dirty = []
        for loan in loans:
            row = overdue.get(loan.pk)
            since = row["since"] if row else None
            days = (as_of - since).days if since else 0
            values = {
                "overdue_amount": row["amount"] if row else ZERO,
                "overdue_since": since,
                "days_past_due": days,
                "delinquency_bucket": DelinquencyBucket.for_days(days),
            }
            if any(getattr(loan, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(loan, name, value)
                loan.standing_as_of = as_of
                dirty.append(loan)
        Loan.objects.bulk_update(dirty, [*_TIME_FIELDS, "standing_as_of"])
        return len(dirty)


def standing_refresh_all(*, as_of: date, batch_size: int = 2000) -> RefreshResult:
    """Bring every active loan's days past due and bucket to `as_of`.

    Works in batches of loans, each in its own short transaction, writing only
    the loans whose standing changed; one audit event sums the run up.
    """
    checked = changed = 0
    last_pk = 0
    while True:
        ids = list(
            Loan.objects.filter(status=LoanStatus.ACTIVE, pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        changed += _refresh_batch(ids, as_of)
        checked += len(ids)
        last_pk = ids[-1]
    with transaction.atomic():
        audit_record(
            action="lending.standing_refreshed",
            target_type="lending.loan",
            after={"as_of": as_of, "loans_checked": checked, "loans_changed": changed},
            description="Daily update of days past due and delinquency buckets.",
        )
    return RefreshResult(as_of=as_of, loans_checked=checked, loans_changed=changed)
