from datetime import timedelta
from decimal import Decimal as D

import pytest

from audit.models import AuditEvent
from lending.models import Installment, Loan, Repayment, RepaymentAllocation
from tests.idempotency.keys import new_key
from tests.lending.conftest import months_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_loan(officer, make_customer, make_loan, today):
    """1,00,000 at 12% for 12 months; three instalments past due, the oldest 3 months ago."""
    return make_loan(make_customer(officer), loan_date=months_ago(today, 3, extra_days=5))


def _instalments(loan) -> list[Installment]:
    return list(Installment.objects.filter(loan=loan).order_by("number"))


def _pay(client, loan, amount, **extra):
    return client.post(
        f"/api/v1/loans/{loan.pk}/repayments/", {"amount": amount, **extra}, headers=new_key()
    )


def test_money_goes_to_all_interest_due_first_then_principal(as_user, officer, late_loan, today):
    one, two, three, four = _instalments(late_loan)[:4]
    assert three.due_date < today < four.due_date
    before = Loan.objects.get(pk=late_loan.pk)
    interest_due = one.interest_due + two.interest_due + three.interest_due
    amount = interest_due + D("100.00")

    response = _pay(as_user(officer), late_loan, f"{amount:.2f}", method="upi", reference="UTR1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["interest_component"] == f"{interest_due:.2f}"
    assert body["principal_component"] == "100.00"
    assert [
        (a["installment_number"], a["interest"], a["principal"]) for a in body["allocations"]
    ] == [
        (1, f"{one.interest_due:.2f}", "100.00"),
        (2, f"{two.interest_due:.2f}", "0.00"),
        (3, f"{three.interest_due:.2f}", "0.00"),
    ]
    one, two, three, four = _instalments(late_loan)[:4]
    assert (one.interest_paid, one.principal_paid) == (one.interest_due, D("100.00"))
    assert (two.interest_paid, two.principal_paid) == (two.interest_due, D("0.00"))
    assert (three.interest_paid, three.principal_paid) == (three.interest_due, D("0.00"))
    assert (four.interest_paid, four.principal_paid) == (D("0.00"), D("0.00"))

    loan = Loan.objects.get(pk=late_loan.pk)
    assert loan.amount_paid == amount
    assert loan.outstanding_amount == before.outstanding_amount - amount
    assert loan.outstanding_principal == D("100000.00") - D("100.00")
    assert loan.overdue_amount == before.overdue_amount - amount
    # Instalment 1 is still not fully paid, so the days past due run from its due date.
    assert loan.days_past_due == (today - one.due_date).days
    assert body["loan_standing"]["days_past_due"] == loan.days_past_due
    assert body["loan_standing"]["outstanding_amount"] == f"{loan.outstanding_amount:.2f}"


def test_clearing_the_arrears_makes_the_loan_current(as_user, officer, late_loan, today):
    client = as_user(officer)
    loan = Loan.objects.get(pk=late_loan.pk)
    assert loan.days_past_due > 60
    assert loan.delinquency_bucket == "61-90"
    response = _pay(client, late_loan, f"{loan.overdue_amount:.2f}")
    assert response.status_code == 201
    loan.refresh_from_db()
    assert (loan.days_past_due, loan.delinquency_bucket, loan.overdue_amount) == (
        0,
        "current",
        D("0.00"),
    )
    assert loan.overdue_since is None
    assert all(i.paid_off_on == today for i in _instalments(late_loan)[:3])


def test_paying_ahead_goes_to_the_next_instalment_interest_first(
    as_user, officer, make_customer, make_loan, today
):
    loan = make_loan(make_customer(officer), loan_date=today)
    response = _pay(as_user(officer), loan, "1500.00")
    assert response.status_code == 201
    one, two = _instalments(loan)[:2]
    assert one.interest_paid == D("1000.00")
    assert one.principal_paid == D("500.00")
    assert two.interest_paid == D("0.00")


def test_the_last_rupee_closes_the_loan(as_user, officer, make_customer, make_loan, today):
    loan = make_loan(make_customer(officer), principal="1000.00", months=2, loan_date=today)
    client = as_user(officer)
    too_much = _pay(client, loan, f"{loan.outstanding_amount + D('0.01'):.2f}")
    assert too_much.status_code == 400
    assert "amount" in too_much.json()["errors"]
    assert _pay(client, loan, f"{loan.outstanding_amount:.2f}").status_code == 201
    loan.refresh_from_db()
    assert (loan.status, loan.outstanding_amount, loan.outstanding_principal) == (
        "closed",
        D("0.00"),
        D("0.00"),
    )
    assert _pay(client, loan, "1.00").status_code == 409


@pytest.mark.parametrize(
    ("field", "value"), [("amount", "0.00"), ("amount", "-5"), ("method", "barter")]
)
def test_invalid_repayments(as_user, officer, late_loan, field, value):
    body = {"amount": "10.00", field: value}
    response = as_user(officer).post(
        f"/api/v1/loans/{late_loan.pk}/repayments/", body, headers=new_key()
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Repayment.objects.exists()


def test_payment_dates_are_checked(as_user, officer, late_loan, today):
    client = as_user(officer)
    future = _pay(client, late_loan, "10.00", paid_on=(today + timedelta(days=1)).isoformat())
    assert future.status_code == 400
    early = late_loan.loan_date - timedelta(days=1)
    assert _pay(client, late_loan, "10.00", paid_on=early.isoformat()).status_code == 400
    assert not Repayment.objects.exists()


def test_repayments_are_immutable_and_audited(as_user, officer, late_loan):
    _pay(as_user(officer), late_loan, "500.00")
    repayment = Repayment.objects.get()
    with pytest.raises(TypeError):
        repayment.save()
    with pytest.raises(TypeError):
        Repayment.objects.update(amount=D("1.00"))
    with pytest.raises(TypeError):
        Repayment.objects.all().delete()
    with pytest.raises(TypeError):
        RepaymentAllocation.objects.all().delete()
    event = AuditEvent.objects.get(action="lending.repayment_recorded")
    assert event.actor == officer
    assert event.after["amount"] == "500.00"


@pytest.mark.parametrize("count", [1, 8])
def test_repayment_list_query_count(
    as_user, officer, late_loan, django_assert_max_num_queries, count
):
    client = as_user(officer)
    for _ in range(count):
        _pay(client, late_loan, "10.00")
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/loans/{late_loan.pk}/repayments/")
    assert response.json()["count"] == count
    assert response.json()["results"][0]["allocations"][0]["installment_number"] == 1
