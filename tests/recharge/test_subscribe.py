"""Top-up and subscribe through HTTP: money, plans and transactions as seed 004 shows them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from payments.models import Payment, PaymentStatus
from payments.providers import ProviderUnavailable
from payments.providers.sandbox import SandboxProvider
from recharge.models import (
    LedgerEntry,
    Transaction,
    TxnStatus,
    UserPlan,
    UserPlanStatus,
)
from recharge.services.plans import user_plans_roll
from tests.idempotency.keys import new_key
from tests.recharge.conftest import assert_ledger_consistent, balance_of, fund, sandbox_pay

pytestmark = pytest.mark.django_db

TOPUP = "/api/v1/recharge/wallet/topup"
SUBSCRIBE = "/api/v1/recharge/subscribe"


class DownProvider(SandboxProvider):
    name = "down"

    def create_order(self, **kwargs):
        raise ProviderUnavailable("timeout")


def test_topup_is_pending_until_the_provider_captures_it(api_client, subscriber):
    api_client.force_authenticate(subscriber)
    response = api_client.post(
        TOPUP,
        {"amount": 500, "phone_number": "9876543210", "payment_method": "UPI"},
        headers=new_key(),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["category"] == "wallet"
    assert body["txn_type"] == "credit"
    assert body["amount"] == "500.00"
    assert body["source"] == "wallet_topup"
    assert body["status"] == "pending"
    assert body["payment_method"] == "UPI"
    assert body["phone_number"] == "9876543210"
    payment = body["payment"]
    assert payment["status"] == "pending" and payment["provider"] == "sandbox"
    assert payment["amount"] == "500.00" and payment["currency"] == "INR"
    assert payment["order_id"].startswith("order_sbx_") and payment["key_id"]
    assert payment["checkout_url"].endswith(f"/payments/sandbox/checkout/{payment['order_id']}/")
    # Nothing has arrived yet: the wallet is untouched.
    assert balance_of(subscriber) == 0
    assert not LedgerEntry.objects.exists()

    sandbox_pay(api_client, body)
    assert balance_of(subscriber) == Decimal("500.00")
    entry = LedgerEntry.objects.get()
    assert entry.amount == Decimal("500.00") and entry.transaction_id == body["txn_id"]
    assert Transaction.objects.get(pk=body["txn_id"]).status == TxnStatus.SUCCESS
    assert AuditEvent.objects.filter(action="recharge.wallet_topped_up").count() == 1
    mine = api_client.get(f"/api/v1/payments/{payment['payment_id']}").json()
    assert mine["status"] == "captured" and mine["checkout_url"] is None
    assert_ledger_consistent()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "10.005"}, "amount"),
        ({"amount": 10, "payment_method": "wallet"}, "payment_method"),
        ({"amount": 10, "phone_number": "12"}, "phone_number"),
        ({"amount": "100000.01"}, "amount"),
    ],
)
def test_topup_refuses_bad_input(api_client, subscriber, payload, field):
    api_client.force_authenticate(subscriber)
    response = api_client.post(TOPUP, payload, headers=new_key())
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Transaction.objects.exists()


def test_declined_topup_is_recorded_as_failed_and_moves_nothing(api_client, subscriber):
    api_client.force_authenticate(subscriber)
    response = api_client.post(TOPUP, {"amount": 500, "payment_method": "Card"}, headers=new_key())
    assert response.status_code == 201
    sandbox_pay(api_client, response.json(), succeed=False)
    txn = Transaction.objects.get()
    assert txn.status == TxnStatus.FAILED
    assert txn.failure_reason == "Payment failed at the sandbox"
    assert Payment.objects.get().status == PaymentStatus.FAILED
    assert balance_of(subscriber) == 0
    assert not LedgerEntry.objects.exists()


def test_unreachable_provider_is_a_503_and_records_nothing(api_client, subscriber, settings):
    settings.PAYMENTS_PROVIDERS = {"down": "tests.recharge.test_subscribe.DownProvider"}
    settings.PAYMENTS_PROVIDER = "down"
    api_client.force_authenticate(subscriber)
    response = api_client.post(TOPUP, {"amount": 500}, headers=new_key())
    assert response.status_code == 503
    assert response.json()["code"] == "provider_unavailable"
    assert not Transaction.objects.exists() and not Payment.objects.exists()


def test_subscribe_from_wallet(api_client, subscriber, plan):
    fund(subscriber, "1000.00")
    api_client.force_authenticate(subscriber)
    response = api_client.post(
        SUBSCRIBE,
        {
            "phone_number": "9876543210",
            "plan_id": plan.pk,
            "payment_method": "wallet",
            "source": "recharge",
            "activation_mode": "activate",
        },
        headers=new_key(),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["category"] == "service"
    assert body["txn_type"] == "debit"
    assert body["amount"] == "699.00"
    assert body["service_type"] == "prepaid"
    assert body["plan_id"] == plan.pk
    assert body["offer_id"] is None
    assert body["status"] == "success"
    assert balance_of(subscriber) == Decimal("301.00")
    user_plan = UserPlan.objects.get()
    assert user_plan.status == UserPlanStatus.ACTIVE
    assert user_plan.phone_number == "+919876543210"
    assert user_plan.valid_to - user_plan.valid_from == timedelta(days=84)
    assert AuditEvent.objects.filter(action="recharge.subscribed").count() == 1
    assert_ledger_consistent()


def test_subscribe_defaults_to_the_callers_number_and_wallet(api_client, subscriber, plan):
    fund(subscriber, "699.00")
    api_client.force_authenticate(subscriber)
    response = api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=new_key())
    assert response.status_code == 201
    assert response.json()["payment_method"] == "wallet"
    assert response.json()["phone_number"] == "9876543210"
    assert balance_of(subscriber) == 0


def test_insufficient_balance_is_a_422_and_moves_nothing(api_client, subscriber, plan):
    fund(subscriber, "698.99")
    api_client.force_authenticate(subscriber)
    response = api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=new_key())
    assert response.status_code == 422
    assert response.json()["code"] == "insufficient_balance"
    assert balance_of(subscriber) == Decimal("698.99")
    assert not UserPlan.objects.exists()
    assert Transaction.objects.count() == 1  # only the funding
    assert LedgerEntry.objects.count() == 1
    assert_ledger_consistent()


def test_subscribe_without_a_wallet_is_insufficient(api_client, subscriber, plan):
    api_client.force_authenticate(subscriber)
    response = api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=new_key())
    assert response.status_code == 422
    assert not Transaction.objects.exists()


def test_inactive_or_retired_plans_are_not_sold(api_client, subscriber, plan):
    fund(subscriber, "1000.00")
    api_client.force_authenticate(subscriber)
    for status in ("inactive", "retired"):
        plan.status = status
        plan.save()
        response = api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=new_key())
        assert response.status_code == 400
        assert "plan_id" in response.json()["errors"]
    assert api_client.post(SUBSCRIBE, {"plan_id": 999999}, headers=new_key()).status_code == 400
    assert balance_of(subscriber) == Decimal("1000.00")


def test_subscribe_through_a_provider_starts_the_plan_on_capture(api_client, subscriber, plan):
    fund(subscriber, "50.00")
    api_client.force_authenticate(subscriber)
    response = api_client.post(
        SUBSCRIBE,
        {"plan_id": plan.pk, "payment_method": "card", "activation_mode": "activate"},
        headers=new_key(),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["payment_method"] == "Card" and body["status"] == "pending"
    assert body["payment"]["amount"] == "699.00" and body["fulfilment_status"] is None
    assert not UserPlan.objects.exists()
    sandbox_pay(api_client, body)
    txn = Transaction.objects.get(pk=body["txn_id"])
    assert txn.status == TxnStatus.SUCCESS
    assert txn.gateway == "sandbox" and txn.gateway_reference.startswith("pay_sbx_")
    assert balance_of(subscriber) == Decimal("50.00")
    assert UserPlan.objects.filter(transaction=txn, status=UserPlanStatus.ACTIVE).exists()
    assert txn.fulfilment.status == "success"


def test_declined_provider_subscription_starts_no_plan(api_client, subscriber, plan):
    api_client.force_authenticate(subscriber)
    response = api_client.post(
        SUBSCRIBE, {"plan_id": plan.pk, "payment_method": "UPI"}, headers=new_key()
    )
    assert response.status_code == 201
    sandbox_pay(api_client, response.json(), succeed=False)
    assert Transaction.objects.get().status == TxnStatus.FAILED
    assert not UserPlan.objects.exists()


def test_queue_starts_after_the_numbers_current_plan(api_client, subscriber, plan, cheap_plan):
    fund(subscriber, "2000.00")
    api_client.force_authenticate(subscriber)
    api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=new_key())
    first = UserPlan.objects.get()
    response = api_client.post(
        SUBSCRIBE, {"plan_id": cheap_plan.pk, "activation_mode": "queue"}, headers=new_key()
    )
    assert response.status_code == 201
    queued = UserPlan.objects.exclude(pk=first.pk).get()
    assert queued.status == UserPlanStatus.QUEUED
    assert queued.valid_from == first.valid_to
    assert queued.valid_to == first.valid_to + timedelta(days=28)
    # "activate" starts now whatever is running.
    api_client.post(
        SUBSCRIBE, {"plan_id": cheap_plan.pk, "activation_mode": "activate"}, headers=new_key()
    )
    assert UserPlan.objects.filter(status=UserPlanStatus.ACTIVE).count() == 2


def test_plans_expire_and_queued_plans_start_on_schedule(api_client, subscriber, plan, cheap_plan):
    fund(subscriber, "2000.00")
    api_client.force_authenticate(subscriber)
    api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=new_key())
    api_client.post(
        SUBSCRIBE, {"plan_id": cheap_plan.pk, "activation_mode": "queue"}, headers=new_key()
    )
    later = timezone.now() + timedelta(days=85)
    assert user_plans_roll(now=later) == {"expired": 1, "started": 1}
    statuses = dict(UserPlan.objects.values_list("plan_id", "status"))
    assert statuses == {plan.pk: UserPlanStatus.EXPIRED, cheap_plan.pk: UserPlanStatus.ACTIVE}
    assert AuditEvent.objects.filter(action="recharge.user_plans_rolled").exists()
    assert user_plans_roll(now=later) == {"expired": 0, "started": 0}


def test_my_plans_uses_the_seed_envelope(api_client, subscriber, other_subscriber, plan):
    fund(subscriber, "2000.00")
    fund(other_subscriber, "2000.00")
    api_client.force_authenticate(other_subscriber)
    api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=new_key())
    api_client.force_authenticate(subscriber)
    api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=new_key())
    response = api_client.get("/api/v1/recharge/my/plans")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"plans", "total", "page", "size", "pages"}
    assert (body["total"], body["page"], body["size"], body["pages"]) == (1, 1, 10, 1)
    item = body["plans"][0]
    assert item["user_id"] == subscriber.pk and item["plan_id"] == plan.pk
    assert item["phone_number"] == "9876543210"
    assert item["status"] == "active"
    assert item["plan"]["plan_name"] == "1.5GB/day 84d"


def test_my_transactions_pages_with_skip_and_limit(api_client, subscriber, cheap_plan):
    fund(subscriber, "1000.00")
    api_client.force_authenticate(subscriber)
    for _ in range(4):
        api_client.post(SUBSCRIBE, {"plan_id": cheap_plan.pk}, headers=new_key())
    body = api_client.get("/api/v1/recharge/my/transactions", {"skip": 2, "limit": 2}).json()
    assert (body["total"], body["page"], body["size"], body["pages"]) == (5, 2, 2, 3)
    assert len(body["transactions"]) == 2
    by_amount = api_client.get(
        "/api/v1/recharge/my/transactions", {"sort_by": "amount", "sort_order": "desc"}
    ).json()["transactions"]
    assert by_amount[0]["amount"] == "1000.00"
    credits = api_client.get("/api/v1/recharge/my/transactions", {"txn_type": "credit"}).json()
    assert credits["total"] == 1
    bad = api_client.get("/api/v1/recharge/my/transactions", {"sort_by": "password"})
    assert bad.status_code == 400 and "sort_by" in bad.json()["errors"]
    assert api_client.get("/api/v1/recharge/my/transactions", {"size": 101}).status_code == 400


def test_admin_lists_cover_every_user(api_client, subscriber, other_subscriber, staff, plan):
    for user in (subscriber, other_subscriber):
        fund(user, "699.00")
        api_client.force_authenticate(user)
        api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=new_key())
    api_client.force_authenticate(staff)
    plans = api_client.get("/api/v1/recharge/admin/active-plans").json()
    assert plans["total"] == 2
    txns = api_client.get("/api/v1/recharge/admin/transactions", {"user_id": subscriber.pk}).json()
    assert txns["total"] == 2
    assert {t["user_id"] for t in txns["transactions"]} == {subscriber.pk}


def test_list_endpoints_use_a_fixed_number_of_queries(
    api_client, subscriber, staff, cheap_plan, django_assert_max_num_queries
):
    fund(subscriber, "5000.00")
    api_client.force_authenticate(subscriber)
    for _ in range(12):
        api_client.post(SUBSCRIBE, {"plan_id": cheap_plan.pk}, headers=new_key())
    api_client.force_authenticate(staff)
    for path in (
        "/api/v1/recharge/my/plans",
        "/api/v1/recharge/my/transactions",
        "/api/v1/recharge/admin/active-plans",
        "/api/v1/recharge/admin/transactions",
    ):
        with django_assert_max_num_queries(6):
            response = api_client.get(path, {"size": 50})
        assert response.status_code == 200
