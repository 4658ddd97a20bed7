"""Equated monthly instalments on the reducing balance, and a loan's standing.

Pure functions over decimals: no database here, so the arithmetic can be
checked against worked examples on its own.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lending.models import DelinquencyBucket, LoanStatus

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def monthly_rate(annual_rate_percent: Decimal) -> Decimal:
    return Decimal(annual_rate_percent) / Decimal(1200)


def emi_amount(principal: Decimal, annual_rate_percent: Decimal, months: int) -> Decimal:
    """P*r*(1+r)^n / ((1+r)^n - 1), rounded to the paisa; P/n when the rate is zero."""
    principal = Decimal(principal)
    rate = monthly_rate(annual_rate_percent)
    if rate == 0:
        return money(principal / months)
    growth = (1 + rate) ** months
    return money(principal * rate * growth / (growth - 1))


@dataclass(frozen=True)
class ScheduledInstalment:
    number: int
    due_date: date
    opening_balance: Decimal
    principal: Decimal
    interest: Decimal
    closing_balance: Decimal

    @property
    def amount(self) -> Decimal:
        return self.principal + self.interest


def schedule_build(
    *, principal: Decimal, annual_rate_percent: Decimal, months: int, loan_date: date
) -> tuple[Decimal, list[ScheduledInstalment]]:
    """The EMI and the instalments, one a month from a month after `loan_date`.

    Each month's interest is the balance times the monthly rate, rounded to
    the paisa; the rest of the EMI repays principal. The last instalment
    takes whatever principal remains, so the balance ends at exactly zero.
    """
    principal = money(Decimal(principal))
    rate = monthly_rate(annual_rate_percent)
    emi = emi_amount(principal, annual_rate_percent, months)
    balance = principal
    rows = []
    for number in range(1, months + 1):
        interest = money(balance * rate)
        part = emi - interest
        if number == months or part > balance:
            part = balance
        part = max(part, ZERO)
        rows.append(
            ScheduledInstalment(
                number=number,
                due_date=add_months(loan_date, number),
                opening_balance=balance,
                principal=part,
                interest=interest,
                closing_balance=balance - part,
            )
        )
        balance -= part
    return emi, rows


# --- Standing -------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    status: str
    amount_paid: Decimal
    outstanding_principal: Decimal
    outstanding_amount: Decimal
    overdue_amount: Decimal
    overdue_since: date | None
    days_past_due: int
    delinquency_bucket: str
    standing_as_of: date

    def as_fields(self) -> dict:
        return {
            "status": self.status,
            "amount_paid": self.amount_paid,
            "outstanding_principal": self.outstanding_principal,
            "outstanding_amount": self.outstanding_amount,
            "overdue_amount": self.overdue_amount,
            "overdue_since": self.overdue_since,
            "days_past_due": self.days_past_due,
            "delinquency_bucket": self.delinquency_bucket,
            "standing_as_of": self.standing_as_of,
        }


def standing_compute(installments: Iterable, as_of: date) -> Standing:
    """Outstanding, overdue and days past due of a loan on `as_of`.

    An instalment is past due from the day after its due date; days past due
    count from the due date of the oldest instalment not fully paid.
    """
    paid = principal_left = outstanding = overdue = ZERO
    oldest_unpaid_due: date | None = None
    for item in installments:
        paid += item.principal_paid + item.interest_paid
        unpaid_principal = item.principal_due - item.principal_paid
        unpaid = unpaid_principal + item.interest_due - item.interest_paid
        principal_left += unpaid_principal
        outstanding += unpaid
        if unpaid > 0 and item.due_date < as_of:
            overdue += unpaid
            if oldest_unpaid_due is None or item.due_date < oldest_unpaid_due:
                oldest_unpaid_due = item.due_date
    days = (as_of - oldest_unpaid_due).days if oldest_unpaid_due else 0
    return Standing(
        status=LoanStatus.CLOSED if outstanding == 0 else LoanStatus.ACTIVE,
        amount_paid=paid,
        outstanding_principal=principal_left,
        outstanding_amount=outstanding,
        overdue_amount=overdue,
        overdue_since=oldest_unpaid_due,
        days_past_due=days,
        delinquency_bucket=DelinquencyBucket.for_days(days),
        standing_as_of=as_of,
    )


# --- Allocation -------------------------------------------------------------------


@dataclass
class Allocation:
    installment: object
    interest: Decimal = ZERO
    principal: Decimal = ZERO


def allocate(installments: list, amount: Decimal, paid_on: date) -> list[Allocation]:
    """Split `amount` over the instalments: interest first, then principal.

    Instalments due on or before `paid_on` come first: all their unpaid
    interest, oldest first, then all their unpaid principal, oldest first.
    What remains pays the later instalments in order, each interest first.
    Raises ValueError when `amount` is more than the loan still owes.
    """
    ordered = sorted(installments, key=lambda item: item.number)
    due = [item for item in ordered if item.due_date <= paid_on]
    later = [item for item in ordered if item.due_date > paid_on]
    owed = sum(
        (i.principal_due - i.principal_paid + i.interest_due - i.interest_paid for i in ordered),
        ZERO,
    )
    if amount > owed:
        raise ValueError(f"The amount is more than the {owed} outstanding on this loan.")

    shares: dict[int, Allocation] = {}
    left = amount

    def take(item, kind: str) -> None:
        nonlocal left
        if left <= 0:
            return
        unpaid = getattr(item, f"{kind}_due") - getattr(item, f"{kind}_paid")
        part = min(unpaid, left)
        if part <= 0:
            return
        share = shares.setdefault(item.number, Allocation(installment=item))
        setattr(share, kind, getattr(share, kind) + part)
        left -= part

    for item in due:
        take(item, "interest")
    for item in due:
        take(item, "principal")
    for item in later:
        take(item, "interest")
        take(item, "principal")
    return [shares[number] for number in sorted(shares)]
