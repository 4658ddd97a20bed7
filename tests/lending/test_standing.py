"""Days past due and buckets, from money and from the calendar (the daily job)."""

from datetime import date, timedelta
from decimal import Decimal as D
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from lending.models import DelinquencyBucket, Installment, Loan
from lending.services.schedule import standing_compute
from lending.services.standing import standing_refresh_all
from lending.tasks import refresh_loan_standing


def _instalment(due: date, principal="100.00", interest="10.00", paid="0.00"):
    return SimpleNamespace(
        due_date=due,
        principal_due=D(principal),
        interest_due=D(interest),
        principal_paid=D(paid),
        interest_paid=D("0.00"),
    )


@pytest.mark.parametrize(
    ("as_of", "days", "bucket"),
    [
        (date(2025, 1, 10), 0, "current"),  # due today: not yet past due
        (date(2025, 1, 11), 1, "1-30"),
        (date(2025, 2, 9), 30, "1-30"),
        (date(2025, 2, 10), 31, "31-60"),
        (date(2025, 3, 11), 60, "31-60"),
        (date(2025, 3, 12), 61, "61-90"),
        (date(2025, 4, 10), 90, "61-90"),
        (date(2025, 4, 11), 91, "90+"),
    ],
)
def test_days_past_due_and_bucket_boundaries(as_of, days, bucket):
    standing = standing_compute([_instalment(date(2025, 1, 10))], as_of)
    assert standing.days_past_due == days
    assert standing.delinquency_bucket == bucket
    assert standing.overdue_amount == (D("110.00") if days else D("0.00"))


def test_days_count_from_the_oldest_instalment_not_fully_paid():
    rows = [
        _instalment(date(2025, 1, 10), paid="100.00"),
        _instalment(date(2025, 2, 10)),
        _instalment(date(2025, 3, 10)),
    ]
    rows[0].interest_paid = D("10.00")
    standing = standing_compute(rows, date(2025, 3, 15))
    assert standing.overdue_since == date(2025, 2, 10)
    assert standing.days_past_due == 33
    assert standing.overdue_amount == D("220.00")
    assert standing.outstanding_amount == D("220.00")
    assert standing.amount_paid == D("110.00")


def test_bucket_for_days_matches_the_database_constraint():
    for days in range(200):
        assert DelinquencyBucket.for_days(days) in DelinquencyBucket.values


@pytest.mark.django_db
def test_daily_job_moves_loans_through_the_buckets(officer, make_customer, make_loan, today):
    loan = make_loan(make_customer(officer), loan_date=today - timedelta(days=10))
    first_due = Installment.objects.get(loan=loan, number=1).due_date
    assert Loan.objects.get(pk=loan.pk).days_past_due == 0

    as_of = first_due + timedelta(days=31)
    result = standing_refresh_all(as_of=as_of)
    loan.refresh_from_db()
    assert (loan.days_past_due, loan.delinquency_bucket) == (31, "31-60")
    assert loan.overdue_since == first_due
    assert loan.overdue_amount == sum(
        i.principal_due + i.interest_due
        for i in Installment.objects.filter(loan=loan, due_date__lt=as_of)
    )
    assert (result.loans_checked, result.loans_changed) == (1, 1)

    standing_refresh_all(as_of=first_due + timedelta(days=95))
    loan.refresh_from_db()
    assert (loan.days_past_due, loan.delinquency_bucket) == (95, "90+")
    event = AuditEvent.objects.filter(action="lending.standing_refreshed").first()
    assert event.after["loans_checked"] == 1


@pytest.mark.django_db
def test_daily_job_writes_only_loans_that_changed(officer, make_customer, make_loan, today):
    make_loan(make_customer(officer), loan_date=today)
    assert standing_refresh_all(as_of=today).loans_changed == 0
    assert standing_refresh_all(as_of=today + timedelta(days=45)).loans_changed == 1
    assert standing_refresh_all(as_of=today + timedelta(days=45)).loans_changed == 0


@pytest.mark.django_db
def test_closed_loans_are_left_alone(officer, make_customer, make_loan, today):
    loan = make_loan(make_customer(officer), loan_date=today)
    Loan.objects.filter(pk=loan.pk).update(status="closed")
    assert standing_refresh_all(as_of=today + timedelta(days=400)).loans_checked == 0


@pytest.mark.django_db
def test_management_command_and_task(officer, make_customer, make_loan, today):
    loan = make_loan(make_customer(officer), loan_date=today)
    due = Installment.objects.get(loan=loan, number=1).due_date
    out = StringIO()
    call_command(
        "lending_refresh_standing", "--as-of", (due + timedelta(days=5)).isoformat(), stdout=out
    )
    assert "1 active loans checked, 1 changed" in out.getvalue()
    assert Loan.objects.get(pk=loan.pk).days_past_due == 5
    # The scheduled task computes as of today, when nothing is past due yet.
    assert refresh_loan_standing.delay().get()["loans_changed"] == 1
    assert Loan.objects.get(pk=loan.pk).days_past_due == 0
