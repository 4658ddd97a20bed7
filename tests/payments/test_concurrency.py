"""Captures arriving together, on PostgreSQL: the wallet is credited once whatever the mix."""

import secrets
import time
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from payments import purposes
from payments.models import Payment, PaymentEvent, PaymentStatus
from payments.providers.sandbox import SandboxProvider
from recharge.models import LedgerEntry, Transaction, TxnStatus, UserPlan
from tests.idempotency.keys import new_key
from tests.recharge.conftest import (
    assert_ledger_consistent,
    balance_of,
    deliver_webhook,
    fund,
    run_together,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("on_postgres")]


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


class SlowHandler:
    """Holds each capture open a while, so that concurrent deliveries really overlap."""

    def __init__(self, inner) -> None:
        self.inner = inner

    def captured(self, payment) -> None:
        time.sleep(0.2)
        self.inner.captured(payment)

    def closed(self, payment) -> None:
        self.inner.closed(payment)


@pytest.fixture
def slow_captures(monkeypatch):
    for purpose, handler in list(purposes._handlers.items()):
        monkeypatch.setitem(purposes._handlers, purpose, SlowHandler(handler))


@pytest.mark.parametrize("purpose", ["topup", "recharge"])
def test_ten_deliveries_and_confirmations_at_once_deliver_once(
    subscriber, plan, purpose, slow_captures
):
    fund(subscriber, "10.00")
    if purpose == "topup":
        reply = _client(subscriber).post(
            "/api/v1/recharge/wallet/topup", {"amount": "500.00"}, headers=new_key()
        )
    else:
        reply = _client(subscriber).post(
            "/api/v1/recharge/subscribe",
            {"plan_id": plan.pk, "payment_method": "UPI"},
            headers=new_key(),
        )
    assert reply.status_code == 201
    attempt = SandboxProvider().pay(order_id=reply.json()["payment"]["order_id"], succeed=True)

    def work(i: int) -> int:
        if i % 3 == 2:  # the client's confirmation
            return (
                _client(subscriber)
                .post("/api/v1/payments/confirm", attempt.confirmation)
                .status_code
            )
        headers = dict(attempt.webhook_headers)
        if i % 3 == 1:  # a redelivery under another event id (payment.captured and order.paid)
            headers["X-Razorpay-Event-Id"] = f"evt_{secrets.token_hex(6)}"
        return deliver_webhook(_client(), attempt.webhook_body, headers).status_code

    assert set(run_together(10, work)) == {200}
    assert Payment.objects.get().status == PaymentStatus.CAPTURED
    txn = Transaction.objects.get(payment__isnull=False)
    assert txn.status == TxnStatus.SUCCESS
    if purpose == "topup":
        assert balance_of(subscriber) == Decimal("510.00")
        assert LedgerEntry.objects.count() == 2  # the funding and the one top-up
    else:
        assert balance_of(subscriber) == Decimal("10.00")
        assert UserPlan.objects.filter(transaction=txn).count() == 1
    # One event per distinct event id: the first one's redeliveries were dropped.
    assert PaymentEvent.objects.filter(source="webhook").count() == 1 + len(range(1, 10, 3))
    assert_ledger_consistent()
