"""Recharges delivered to the operator, and the money given back exactly once when that fails."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from payments.models import Payment, PaymentStatus, Refund
from recharge.aggregators import FAILED, AggregatorUnavailable, FulfilmentResult
from recharge.aggregators.sandbox import SandboxAggregator
from recharge.models import (
    Autopay,
    Fulfilment,
    FulfilmentStatus,
    LedgerEntry,
    Transaction,
    TxnSource,
    TxnStatus,
    UserPlan,
    UserPlanStatus,
)
from recharge.services.autopay_run import autopay_process_due
from recharge.services.fulfilment import fulfilment_settle, fulfilments_recheck
from tests.idempotency.keys import new_key
from tests.recharge.conftest import assert_ledger_consistent, balance_of, fund, sandbox_pay

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/api/v1/recharge/subscribe"
DECLINED = "9876404040"  # the sandbox operator declines numbers ending 404040
SLOW = "9876202020"  # and keeps numbers ending 202020 pending until asked again


class DownAggregator(SandboxAggregator):
    name = "down"

    def submit(self, **kwargs):
        raise AggregatorUnavailable("timeout")


def test_a_recharge_is_delivered_to_the_operator(api_client, subscriber, plan):
    fund(subscriber, "1000.00")
    api_client.force_authenticate(subscriber)
    body = api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=new_key()).json()
    assert body["status"] == "success"
    fulfilment = Fulfilment.objects.get(transaction_id=body["txn_id"])
    assert fulfilment.status == FulfilmentStatus.SUCCESS
    assert fulfilment.aggregator == "sandbox" and fulfilment.aggregator_reference
    assert fulfilment.attempts == 1
    mine = api_client.get("/api/v1/recharge/my/transactions").json()["transactions"]
    assert [t["fulfilment_status"] for t in mine] == ["success", None]
    assert AuditEvent.objects.filter(action="recharge.fulfilment_success").count() == 1


def test_a_failed_recharge_paid_from_the_wallet_is_credited_back_once(api_client, subscriber, plan):
    fund(subscriber, "1000.00")
    api_client.force_authenticate(subscriber)
    body = api_client.post(
        SUBSCRIBE, {"plan_id": plan.pk, "phone_number": DECLINED}, headers=new_key()
    ).json()
    fulfilment = Fulfilment.objects.get(transaction_id=body["txn_id"])
    assert fulfilment.status == FulfilmentStatus.FAILED
    assert "declined" in fulfilment.failure_reason
    assert balance_of(subscriber) == Decimal("1000.00")
    txn = Transaction.objects.get(pk=body["txn_id"])
    assert txn.status == TxnStatus.REVERSED and "operator" in txn.failure_reason
    assert UserPlan.objects.get(transaction=txn).status == UserPlanStatus.CANCELLED
    refund = fulfilment.refund_transaction
    assert refund.source == TxnSource.REVERSAL and refund.amount == Decimal("699.00")
    # The verdict again (a retried task, a recheck): nothing more moves.
    fulfilment_settle(fulfilment_id=fulfilment.pk, result=FulfilmentResult(FAILED, "x"))
    assert balance_of(subscriber) == Decimal("1000.00")
    assert LedgerEntry.objects.filter(amount__gt=0).count() == 2  # the funding and one refund
    assert AuditEvent.objects.filter(action="recharge.fulfilment_failed").count() == 1
    assert_ledger_consistent()


def test_a_failed_recharge_paid_through_the_provider_is_refunded_once(api_client, subscriber, plan):
    api_client.force_authenticate(subscriber)
    body = api_client.post(
        SUBSCRIBE,
        {"plan_id": plan.pk, "phone_number": DECLINED, "payment_method": "UPI"},
        headers=new_key(),
    ).json()
    sandbox_pay(api_client, body)
    fulfilment = Fulfilment.objects.get(transaction_id=body["txn_id"])
    assert fulfilment.status == FulfilmentStatus.FAILED
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.REFUNDED
    refund = Refund.objects.get()
    assert refund.amount == Decimal("699.00") and refund.status == "processed"
    assert refund.key == f"fulfilment:{fulfilment.pk}"
    fulfilment_settle(fulfilment_id=fulfilment.pk, result=FulfilmentResult(FAILED, "x"))
    assert Refund.objects.count() == 1
    assert Transaction.objects.get(pk=body["txn_id"]).status == TxnStatus.REVERSED
    assert balance_of(subscriber) == 0 and not LedgerEntry.objects.exists()


def test_a_slow_operator_is_asked_again_later(api_client, subscriber, plan):
    fund(subscriber, "1000.00")
    api_client.force_authenticate(subscriber)
    body = api_client.post(
        SUBSCRIBE, {"plan_id": plan.pk, "phone_number": SLOW}, headers=new_key()
    ).json()
    fulfilment = Fulfilment.objects.get(transaction_id=body["txn_id"])
    assert fulfilment.status == FulfilmentStatus.PENDING
    assert fulfilments_recheck()["checked"] == 0  # not stale yet
    counts = fulfilments_recheck(now=timezone.now() + timedelta(minutes=11))
    assert counts == {"checked": 1, "success": 1, "failed": 0, "unavailable": 0}
    fulfilment.refresh_from_db()
    assert fulfilment.status == FulfilmentStatus.SUCCESS
    assert balance_of(subscriber) == Decimal("301.00")


def test_an_unreachable_aggregator_leaves_it_pending_for_the_sweep(
    api_client, subscriber, plan, settings
):
    settings.RECHARGE_AGGREGATOR = "tests.recharge.test_fulfilment.DownAggregator"
    fund(subscriber, "1000.00")
    api_client.force_authenticate(subscriber)
    body = api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=new_key()).json()
    fulfilment = Fulfilment.objects.get(transaction_id=body["txn_id"])
    assert fulfilment.status == FulfilmentStatus.PENDING and fulfilment.attempts == 1
    settings.RECHARGE_AGGREGATOR = "recharge.aggregators.sandbox.SandboxAggregator"
    fulfilments_recheck(now=timezone.now() + timedelta(minutes=11))
    fulfilment.refresh_from_db()
    assert fulfilment.status == FulfilmentStatus.SUCCESS
    assert balance_of(subscriber) == Decimal("301.00")


def test_autopay_recharges_are_delivered_too(subscriber, plan):
    fund(subscriber, "2000.00")
    Autopay.objects.create(
        user=subscriber,
        plan=plan,
        phone_number="+91" + DECLINED,
        next_due_date=timezone.now() - timedelta(minutes=1),
    )
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        autopay_process_due()
    fulfilment = Fulfilment.objects.get()
    assert fulfilment.transaction.source == TxnSource.AUTOPAY
    assert fulfilment.status == FulfilmentStatus.FAILED
    assert balance_of(subscriber) == Decimal("2000.00")  # charged, then given back
    assert_ledger_consistent()
