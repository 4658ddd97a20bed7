from datetime import timedelta

import pytest

from lending.models import Interaction, Loan
from lending.services.interactions import interaction_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/loans/worklist/"


def _follow_up(actor, loan, day):
    return interaction_create(
        actor=actor,
        interaction_type="calling",
        data={"loan": loan, "disposition": "called", "next_call_date": day},
    )


def _rows(client):
    response = client.get(URL)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_officer_worklist_most_overdue_first(
    as_user, officer, other_officer, make_customer, make_loan, today
):
    customer = make_customer(officer)
    late_200 = make_loan(customer, loan_date=today - timedelta(days=230))
    late_40 = make_loan(customer, loan_date=today - timedelta(days=70))
    current = make_loan(customer, loan_date=today)
    follow_up_due = make_loan(customer, loan_date=today)
    later_follow_up = make_loan(customer, loan_date=today)
    _follow_up(officer, follow_up_due, today - timedelta(days=3))
    _follow_up(officer, later_follow_up, today + timedelta(days=3))
    make_loan(make_customer(other_officer), loan_date=today - timedelta(days=300))
    closed = make_loan(customer, loan_date=today - timedelta(days=100))
    Loan.objects.filter(pk=closed.pk).update(status="closed")

    rows = _rows(as_user(officer))
    assert [row["loan"] for row in rows] == [late_200.pk, late_40.pk, follow_up_due.pk]
    assert rows[0]["reasons"] == ["delinquent"]
    assert rows[0]["days_past_due"] > rows[1]["days_past_due"] > 0
    assert rows[2]["reasons"] == ["follow_up_due"]
    assert rows[2]["follow_up_due_date"] == (today - timedelta(days=3)).isoformat()
    assert rows[0]["customer"]["name"] == customer.name
    assert current.pk not in {row["loan"] for row in rows}


def test_a_follow_up_older_than_the_arrears_comes_first(
    as_user, officer, make_customer, make_loan, today
):
    customer = make_customer(officer)
    late = make_loan(customer, loan_date=today - timedelta(days=40))
    promised = make_loan(customer, loan_date=today)
    _follow_up(officer, promised, today - timedelta(days=30))
    rows = _rows(as_user(officer))
    assert late.days_past_due < 30
    assert [row["loan"] for row in rows] == [promised.pk, late.pk]


def test_calling_agents_get_their_own_follow_ups_and_every_delinquent_loan(
    as_user, agent, other_agent, officer, make_customer, make_loan, today
):
    customer = make_customer(officer)
    mine = make_loan(customer, loan_date=today)
    theirs = make_loan(customer, loan_date=today)
    late = make_loan(customer, loan_date=today - timedelta(days=100))
    _follow_up(agent, mine, today)
    _follow_up(other_agent, theirs, today)
    assert [row["loan"] for row in _rows(as_user(agent))] == [late.pk, mine.pk]
    assert [row["loan"] for row in _rows(as_user(other_agent))] == [late.pk, theirs.pk]


def test_a_newer_interaction_without_a_date_clears_the_follow_up(
    as_user, officer, make_customer, make_loan, today
):
    loan = make_loan(make_customer(officer), loan_date=today)
    _follow_up(officer, loan, today - timedelta(days=1))
    assert len(_rows(as_user(officer))) == 1
    interaction_create(
        actor=officer, interaction_type="field", data={"loan": loan, "disposition": "paid"}
    )
    assert _rows(as_user(officer)) == []
    assert Interaction.objects.count() == 2


@pytest.mark.parametrize("count", [2, 25])
def test_worklist_query_count(
    as_user, officer, make_customer, make_loan, today, django_assert_max_num_queries, count
):
    customer = make_customer(officer)
    for _ in range(count):
        make_loan(customer, months=3, loan_date=today - timedelta(days=60))
    client = as_user(officer)
    with django_assert_max_num_queries(4):
        rows = _rows(client)
    assert len(rows) == min(count, 20)
