"""Staff credit a wallet by hand: a permission, a reason, a ledger entry and an audit event."""

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from recharge.models import Transaction, TxnSource
from tests.factories import UserFactory
from tests.idempotency.keys import new_key
from tests.recharge.conftest import assert_ledger_consistent, balance_of, grant

pytestmark = pytest.mark.django_db

CREDIT = "/api/v1/recharge/admin/wallet/credit"


def test_only_staff_with_the_permission_may_credit(api_client, subscriber):
    api_client.force_authenticate(subscriber)
    response = api_client.post(
        CREDIT, {"user_id": subscriber.pk, "amount": "50", "reason": "x"}, headers=new_key()
    )
    assert response.status_code == 403
    assert balance_of(subscriber) == 0


def test_a_staff_credit_is_audited_with_its_reason(api_client, subscriber):
    clerk = grant(UserFactory(username="clerk", is_staff=True), "credit_wallet")
    api_client.force_authenticate(clerk)
    body = {"user_id": subscriber.pk, "amount": "50.00", "reason": "Outage goodwill"}
    first = api_client.post(CREDIT, body, HTTP_IDEMPOTENCY_KEY="c-1")
    assert first.status_code == 201, first.content
    assert first.json()["source"] == "adjustment" and first.json()["status"] == "success"
    again = api_client.post(CREDIT, body, HTTP_IDEMPOTENCY_KEY="c-1")
    assert again.json() == first.json()
    assert balance_of(subscriber) == Decimal("50.00")
    assert Transaction.objects.get().source == TxnSource.ADJUSTMENT
    event = AuditEvent.objects.get(action="recharge.wallet_credited_by_staff")
    assert event.actor_id == clerk.pk and event.after["reason"] == "Outage goodwill"
    assert_ledger_consistent()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user_id": 999999, "amount": "5", "reason": "x"}, "user_id"),
        ({"amount": "0", "reason": "x"}, "amount"),
        ({"amount": "5", "reason": ""}, "reason"),
    ],
)
def test_bad_credits_are_refused_by_field(api_client, subscriber, body, field):
    clerk = grant(UserFactory(username="clerk", is_staff=True), "credit_wallet")
    api_client.force_authenticate(clerk)
    response = api_client.post(CREDIT, {"user_id": subscriber.pk, **body}, headers=new_key())
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not Transaction.objects.exists()
