"""The EMI schedule against a worked example, and the arithmetic around it."""

from datetime import date
from decimal import Decimal as D

import pytest

from lending.services.schedule import add_months, emi_amount, schedule_build


def test_worked_example_one_lakh_at_twelve_percent_for_a_year():
    # EMI = P*r*(1+r)^n / ((1+r)^n - 1) with P = 1,00,000, r = 1% a month, n = 12:
    # 100000 * 0.01 * 1.12682503 / 0.12682503 = 8884.88.
    emi, rows = schedule_build(
        principal=D("100000"), annual_rate_percent=D("12"), months=12, loan_date=date(2025, 1, 31)
    )
    assert emi == D("8884.88")
    first, second, last = rows[0], rows[1], rows[-1]
    # Month 1: interest 1% of 1,00,000; the rest of the EMI repays principal.
    assert (first.interest, first.principal, first.closing_balance) == (
        D("1000.00"),
        D("7884.88"),
        D("92115.12"),
    )
    # Month 2: 1% of 92,115.12 = 921.1512, rounded to the paisa.
    assert (second.interest, second.principal, second.closing_balance) == (
        D("921.15"),
        D("7963.73"),
        D("84151.39"),
    )
    # The last instalment takes the remaining principal, so the balance ends at zero.
    assert last.opening_balance == D("8796.88")
    assert (last.principal, last.interest, last.closing_balance) == (
        D("8796.88"),
        D("87.97"),
        D("0.00"),
    )
    assert sum(row.principal for row in rows) == D("100000.00")
    assert sum(row.interest for row in rows) == D("6618.53")
    # Due a month apart, on the loan's day or the month's last day.
    assert [row.due_date for row in rows[:3]] == [
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
    ]


def test_seed_loan_emi():
    # 50,000 at 10.5% for 12 months: r = 0.00875.
    assert emi_amount(D("50000.00"), D("10.50"), 12) == D("4407.43")


def test_zero_rate_divides_the_principal():
    emi, rows = schedule_build(
        principal=D("1000"), annual_rate_percent=D("0"), months=3, loan_date=date(2025, 1, 1)
    )
    assert emi == D("333.33")
    assert [row.principal for row in rows] == [D("333.33"), D("333.33"), D("333.34")]
    assert all(row.interest == 0 for row in rows)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 13, date(2026, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.django_db
def test_schedule_endpoint_serves_the_stored_schedule(as_user, officer, make_customer, make_loan):
    loan = make_loan(make_customer(officer), loan_date=date(2025, 1, 31))
    response = as_user(officer).get(f"/api/v1/loans/{loan.pk}/schedule")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["emi_amount"] == "8884.88"
    assert body["total_interest"] == "6618.53"
    assert body["total_payable"] == "106618.53"
    assert len(body["installments"]) == 12
    first = body["installments"][0]
    assert first == {
        "number": 1,
        "due_date": "2025-02-28",
        "opening_balance": "100000.00",
        "emi": "8884.88",
        "principal": "7884.88",
        "interest": "1000.00",
        "closing_balance": "92115.12",
        "principal_paid": "0.00",
        "interest_paid": "0.00",
        "amount_unpaid": "8884.88",
        "paid_off_on": None,
        "status": "overdue",
    }
