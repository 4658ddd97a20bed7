import pytest

from audit.models import AuditEvent
from lending.models import Disposition, Interaction, Loan

pytestmark = pytest.mark.django_db


@pytest.fixture
def loan(officer, make_customer, make_loan):
    return make_loan(make_customer(officer))


def _create(client, loan, kind="field", **body):
    payload = {"loan": loan.pk, "disposition": "visited", **body}
    return client.post(f"/api/v1/interactions/{kind}/create/", payload)


def test_create_field_interaction_as_the_seed_shows_it(as_user, officer, loan):
    response = _create(
        as_user(officer),
        loan,
        comment="Visited customer; discussed repayment plan.",
        next_call_date="2025-03-15",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["interaction_type"] == "field"
    assert body["created_by"] == officer.pk
    assert body["disposition"] == "visited"
    assert body["next_call_date"] == "2025-03-15"
    assert body["timestamp"]
    assert AuditEvent.objects.filter(
        action="lending.interaction_created", target_id=str(body["id"])
    ).exists()
    loan.refresh_from_db()
    assert loan.next_follow_up_date.isoformat() == "2025-03-15"
    assert loan.next_follow_up_by == officer


def test_calling_and_field_interactions_live_at_their_own_paths(as_user, agent, loan):
    client = as_user(agent)
    call = _create(client, loan, kind="calling", disposition="called").json()
    assert call["interaction_type"] == "calling"
    assert client.get(f"/api/v1/interactions/calling/{call['id']}/").status_code == 200
    assert client.get(f"/api/v1/interactions/field/{call['id']}/").status_code == 404


def test_dispositions_come_from_the_fixed_list(as_user, officer, loan):
    client = as_user(officer)
    for value in Disposition.values:
        extra = (
            {"promise_amount": "5000.00", "promise_date": "2025-04-01"}
            if value == "promise_to_pay"
            else {}
        )
        assert _create(client, loan, disposition=value, **extra).status_code == 201, value
    response = _create(client, loan, disposition="shouted")
    assert response.status_code == 400
    assert "disposition" in response.json()["errors"]


def test_promise_to_pay_needs_amount_and_date_and_nothing_else_takes_them(as_user, officer, loan):
    client = as_user(officer)
    missing = _create(client, loan, disposition="promise_to_pay", promise_amount="100.00")
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"promise_date"}
    stray = _create(client, loan, disposition="called", promise_amount="100.00")
    assert stray.status_code == 400
    assert "promise_amount" in stray.json()["errors"]
    ok = _create(
        client,
        loan,
        disposition="promise_to_pay",
        promise_amount="2500.00",
        promise_date="2025-04-01",
    )
    assert ok.json()["promise_amount"] == "2500.00"
    # Changing the outcome drops the promise.
    changed = client.patch(
        f"/api/v1/interactions/field/{ok.json()['id']}/", {"disposition": "refused"}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["promise_amount"] is None
    assert changed.json()["promise_date"] is None


def test_only_the_creator_or_their_manager_edits(
    as_user, officer, manager, agent, other_manager, admin_user, loan
):
    created = _create(as_user(officer), loan, comment="first").json()
    url = f"/api/v1/interactions/field/{created['id']}/"
    # The agent sees every customer, so the interaction is visible, but not theirs.
    assert as_user(agent).get(url).status_code == 200
    refused = as_user(agent).patch(url, {"comment": "agent's"})
    assert refused.status_code == 403
    assert as_user(agent).delete(url).status_code == 403
    # Another team's manager does not even see it.
    assert as_user(other_manager).patch(url, {"comment": "x"}).status_code == 404

    assert as_user(officer).patch(url, {"comment": "creator's"}).status_code == 200
    assert (
        as_user(manager)
        .put(url, {"loan": loan.pk, "disposition": "called", "comment": "manager's"})
        .json()["comment"]
        == "manager's"
    )
    assert as_user(admin_user).patch(url, {"comment": "admin's"}).status_code == 200
    assert Interaction.objects.get(pk=created["id"]).comment == "admin's"
    assert AuditEvent.objects.filter(action="lending.interaction_updated").count() == 3

    assert as_user(manager).delete(url).status_code == 204
    assert not Interaction.objects.exists()
    assert AuditEvent.objects.filter(action="lending.interaction_deleted").exists()


def test_an_interaction_stays_with_its_loan(as_user, officer, loan, make_customer, make_loan):
    other = make_loan(make_customer(officer))
    created = _create(as_user(officer), loan).json()
    response = as_user(officer).patch(
        f"/api/v1/interactions/field/{created['id']}/", {"loan": other.pk}
    )
    assert response.status_code == 400
    assert "loan" in response.json()["errors"]


def test_follow_up_comes_from_the_latest_interaction(as_user, officer, loan):
    client = as_user(officer)
    first = _create(client, loan, next_call_date="2025-05-01").json()
    second = _create(client, loan, disposition="paid").json()
    assert Loan.objects.get(pk=loan.pk).next_follow_up_date is None
    client.delete(f"/api/v1/interactions/field/{second['id']}/")
    assert Loan.objects.get(pk=loan.pk).next_follow_up_date.isoformat() == "2025-05-01"
    client.patch(f"/api/v1/interactions/field/{first['id']}/", {"next_call_date": "2025-06-01"})
    assert Loan.objects.get(pk=loan.pk).next_follow_up_date.isoformat() == "2025-06-01"


def test_list_for_a_loan_shows_that_loan_and_type_only(
    as_user, officer, loan, make_customer, make_loan
):
    client = as_user(officer)
    other = make_loan(make_customer(officer))
    mine = {_create(client, loan).json()["id"], _create(client, loan).json()["id"]}
    _create(client, loan, kind="calling", disposition="called")
    _create(client, other)
    response = client.get(f"/api/v1/interactions/field/loan/{loan.pk}/")
    assert {row["id"] for row in response.json()} == mine
    calls = client.get(f"/api/v1/interactions/calling/loan/{loan.pk}").json()
    assert [row["disposition"] for row in calls] == ["called"]


@pytest.mark.parametrize("limit", [2, 30])
def test_list_query_count(as_user, officer, loan, django_assert_max_num_queries, limit):
    Interaction.objects.bulk_create(
        Interaction(loan=loan, interaction_type="field", disposition="visited", created_by=officer)
        for _ in range(30)
    )
    client = as_user(officer)
    with django_assert_max_num_queries(5):
        response = client.get(f"/api/v1/interactions/field/loan/{loan.pk}/?limit={limit}")
    assert len(response.json()) == limit
