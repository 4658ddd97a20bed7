"""Reusable reads of the lending app, always scoped to the caller."""

from datetime import date

from django.db.models import Case, DateField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Least

from lending.models import Customer, Installment, Interaction, Loan, LoanStatus, Repayment
from lending.selectors.scope import (
    LendingRole,
    assignable_officers,
    default_officer,
    lending_role,
    may_leave_unassigned,
    visible,
)

__all__ = [
    "LendingRole",
    "assignable_officers",
    "customers_for",
    "default_officer",
    "installments_of",
    "interactions_for",
    "lending_role",
    "loans_for",
    "may_leave_unassigned",
    "repayments_of",
    "visible",
    "worklist_for",
]

# Sorts after every real date, so that a missing date never comes first.
_FAR_FUTURE = date(9999, 12, 31)


def customers_for(user) -> QuerySet[Customer]:
    return visible(Customer.objects.all(), user)


def loans_for(user) -> QuerySet[Loan]:
    return visible(Loan.objects.all(), user)


def interactions_for(user, interaction_type: str | None = None) -> QuerySet[Interaction]:
    queryset = visible(Interaction.objects.all(), user)
    if interaction_type:
        queryset = queryset.filter(interaction_type=interaction_type)
    return queryset


def installments_of(loan: Loan) -> QuerySet[Installment]:
    return Installment.objects.filter(loan=loan).order_by("number")


def repayments_of(loan: Loan) -> QuerySet[Repayment]:
    return (
        Repayment.objects.filter(loan=loan)
        .select_related("received_by")
        .prefetch_related("allocations__installment")
        .order_by("-paid_on", "-id")
    )


def worklist_for(user, today: date) -> QuerySet[Loan]:
    """Active loans in the caller's view that need work today, most overdue first.

    A loan is on the list when it is delinquent or a follow-up on it is due.
    Calling agents see every customer, so their follow-ups are only the ones
    they set themselves; officers and managers get every follow-up due on
    their portfolio. The sort key is the older of the oldest unpaid due date
    and the due follow-up date.
    """
    follow_up_due = Q(next_follow_up_date__lte=today)
    if lending_role(user) is LendingRole.AGENT:
        follow_up_due &= Q(next_follow_up_by=user)
    due_follow_up_date = Case(
        When(follow_up_due, then=F("next_follow_up_date")), default=None, output_field=DateField()
    )
    far = Value(_FAR_FUTURE, output_field=DateField())
    return (
        loans_for(user)
        .filter(status=LoanStatus.ACTIVE)
        .filter(Q(days_past_due__gt=0) | follow_up_due)
        .select_related("customer")
        .annotate(
            follow_up_due_date=due_follow_up_date,
            work_since=Least(Coalesce("overdue_since", far), Coalesce(due_follow_up_date, far)),
        )
        .order_by("work_since", "-days_past_due", "id")
    )
