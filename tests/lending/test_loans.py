from datetime import timedelta
from decimal import Decimal as D

import pytest

from audit.models import AuditEvent
from lending.models import Installment, Loan
from lending.services.repayments import repayment_record

pytestmark = pytest.mark.django_db


def _seed_body(customer_id: int, **overrides) -> dict:
    return {
        "loan_account_number": "LN12345",
        "principal_amount": "50000.00",
        "interest_rate": "10.50",
        "loan_type": "personal",
        "tenure_months": 12,
        "loan_date": "2025-03-09",
        "customer": customer_id,
        **overrides,
    }


def test_create_writes_the_schedule_and_the_standing(as_user, officer, make_customer, today):
    customer = make_customer(officer)
    body = _seed_body(customer.pk, loan_date=today.isoformat())
    response = as_user(officer).post("/api/v1/loans/", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["principal_amount"] == "50000.00"
    assert data["emi_amount"] == "4407.43"
    assert data["status"] == "active"
    assert data["days_past_due"] == 0
    assert data["delinquency_bucket"] == "current"
    loan = Loan.objects.get(pk=data["id"])
    schedule = list(Installment.objects.filter(loan=loan))
    assert len(schedule) == 12
    total = sum(i.principal_due + i.interest_due for i in schedule)
    assert data["outstanding_amount"] == f"{total:.2f}"
    assert data["outstanding_principal"] == "50000.00"
    assert AuditEvent.objects.filter(action="lending.loan_created", target_id=str(loan.pk)).exists()


def test_a_loan_booked_in_the_past_is_past_due_at_once(as_user, officer, make_customer):
    customer = make_customer(officer)
    response = as_user(officer).post("/api/v1/loans/", _seed_body(customer.pk))
    data = response.json()
    loan = Loan.objects.get(pk=data["id"])
    first_due = Installment.objects.get(loan=loan, number=1).due_date
    assert first_due.isoformat() == "2025-04-09"
    assert data["overdue_since"] == "2025-04-09"
    assert data["days_past_due"] == (loan.standing_as_of - first_due).days
    assert data["delinquency_bucket"] == "90+"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("principal_amount", "0.00"),
        ("interest_rate", "101.00"),
        ("tenure_months", 0),
        ("tenure_months", 481),
        ("loan_type", "yacht"),
        ("loan_account_number", "LN 1"),
        ("principal_amount", "12.345"),
    ],
)
def test_invalid_loans_are_refused(as_user, officer, make_customer, field, value):
    customer = make_customer(officer)
    response = as_user(officer).post("/api/v1/loans/", _seed_body(customer.pk, **{field: value}))
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_future_loan_date_and_duplicate_account_number(as_user, officer, make_customer, today):
    customer = make_customer(officer)
    client = as_user(officer)
    future = (today + timedelta(days=1)).isoformat()
    assert (
        client.post("/api/v1/loans/", _seed_body(customer.pk, loan_date=future)).status_code == 400
    )
    assert client.post("/api/v1/loans/", _seed_body(customer.pk)).status_code == 201
    again = client.post("/api/v1/loans/", _seed_body(customer.pk))
    assert again.status_code == 400
    assert "loan_account_number" in again.json()["errors"]


def test_changing_terms_rewrites_the_schedule_until_money_arrives(
    as_user, officer, make_customer, make_loan, today
):
    loan = make_loan(make_customer(officer), loan_date=today - timedelta(days=40))
    client = as_user(officer)
    response = client.patch(
        f"/api/v1/loans/{loan.pk}/", {"principal_amount": "75000.00", "tenure_months": 24}
    )
    assert response.status_code == 200, response.content
    assert Installment.objects.filter(loan=loan).count() == 24
    assert response.json()["outstanding_principal"] == "75000.00"
    event = AuditEvent.objects.get(action="lending.loan_updated")
    assert event.after["tenure_months"] == 24

    repayment_record(actor=officer, loan=loan, amount=D("100.00"), paid_on=today, method="cash")
    refused = client.patch(f"/api/v1/loans/{loan.pk}/", {"tenure_months": 36})
    assert refused.status_code == 409
    assert Installment.objects.filter(loan=loan).count() == 24
    # Terms aside, the loan can still be corrected.
    assert client.patch(f"/api/v1/loans/{loan.pk}/", {"loan_type": "business"}).status_code == 200
    assert client.delete(f"/api/v1/loans/{loan.pk}/").status_code == 409


def test_delete_without_repayments(as_user, officer, make_customer, make_loan):
    loan = make_loan(make_customer(officer))
    assert as_user(officer).delete(f"/api/v1/loans/{loan.pk}").status_code == 204
    assert not Loan.objects.exists()
    assert not Installment.objects.exists()
    assert AuditEvent.objects.filter(action="lending.loan_deleted").exists()


def test_loans_of_a_customer(as_user, officer, make_customer, make_loan):
    first, second = make_customer(officer), make_customer(officer)
    mine = {make_loan(first).pk, make_loan(first).pk}
    make_loan(second)
    response = as_user(officer).get(f"/api/v1/loans/customer/{first.pk}/")
    assert {row["id"] for row in response.json()} == mine


def test_filters_by_bucket(as_user, agent, officer, make_customer, make_loan, today):
    late = make_loan(make_customer(officer), loan_date=today - timedelta(days=200))
    make_loan(make_customer(officer))
    response = as_user(agent).get("/api/v1/loans/?delinquency_bucket=90%2B")
    assert [row["id"] for row in response.json()] == [late.pk]
    response = as_user(agent).get("/api/v1/loans/?days_past_due_min=1")
    assert [row["id"] for row in response.json()] == [late.pk]


@pytest.mark.parametrize("limit", [2, 30])
def test_list_query_count_does_not_grow_with_the_page(
    as_user, agent, officer, make_customer, make_loan, django_assert_max_num_queries, limit
):
    customer = make_customer(officer)
    for _ in range(30):
        make_loan(customer, months=3)
    client = as_user(agent)
    client.get("/api/v1/loans/")
    with django_assert_max_num_queries(5):
        response = client.get(f"/api/v1/loans/?limit={limit}")
    assert len(response.json()) == limit
