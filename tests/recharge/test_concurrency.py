"""Real concurrency on PostgreSQL: threads with their own connections, released together.

Each test ends by checking that every balance equals the sum of its ledger.
"""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from payments.models import Payment
from recharge.models import (
    Autopay,
    AutopayCharge,
    LedgerEntry,
    OfferRedemption,
    Plan,
    Transaction,
    UserPlan,
    Wallet,
)
from recharge.services import autopay_run as autopay_services
from recharge.services.autopay_run import autopay_process_due
from tests.factories import UserFactory
from tests.idempotency.keys import new_key
from tests.recharge.conftest import (
    assert_ledger_consistent,
    balance_of,
    fund,
    run_together,
    sandbox_pay,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("on_postgres")]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_20_parallel_subscribes_against_a_balance_for_10(subscriber, cheap_plan):
    fund(subscriber, "1000.00")  # ten plans of 100.00

    def subscribe(i):
        return (
            client_for(subscriber)
            .post("/api/v1/recharge/subscribe", {"plan_id": cheap_plan.pk}, headers=new_key())
            .status_code
        )

    codes = run_together(20, subscribe)
    assert sorted(codes) == [201] * 10 + [422] * 10
    assert balance_of(subscriber) == Decimal("0.00")
    assert UserPlan.objects.count() == 10
    assert LedgerEntry.objects.filter(amount__lt=0).count() == 10
    assert_ledger_consistent()


def test_parallel_topups_with_one_key_credit_once(subscriber):
    def topup(i):
        response = client_for(subscriber).post(
            "/api/v1/recharge/wallet/topup", {"amount": "250.00"}, HTTP_IDEMPOTENCY_KEY="once"
        )
        return response.status_code, response.json()

    replies = run_together(12, topup)
    codes = [code for code, _ in replies]
    assert set(codes) <= {201, 409}
    successes = [body for code, body in replies if code == 201]
    assert successes and all(body == successes[0] for body in successes)
    assert Transaction.objects.count() == Payment.objects.count() == 1
    sandbox_pay(APIClient(), successes[0])
    assert balance_of(subscriber) == Decimal("250.00")
    assert Transaction.objects.count() == LedgerEntry.objects.count() == 1
    assert_ledger_consistent()


def test_parallel_debits_of_many_users_never_mix_balances(cheap_plan):
    users = [UserFactory(mobile=f"+9198000000{i:02d}") for i in range(8)]
    for user in users:
        fund(user, "250.00")

    def subscribe(i):
        client = client_for(users[i % 8])
        return client.post(
            "/api/v1/recharge/subscribe", {"plan_id": cheap_plan.pk}, headers=new_key()
        ).status_code

    codes = run_together(24, subscribe)  # three tries each, two affordable
    assert codes.count(201) == 16 and codes.count(422) == 8
    assert all(balance_of(user) == Decimal("50.00") for user in users)
    assert_ledger_consistent()


def test_the_total_offer_cap_holds_under_concurrency(cheap_plan, make_offer):
    offer = make_offer(max_redemptions_total=3)
    users = [UserFactory(mobile=f"+9197000000{i:02d}") for i in range(10)]
    for user in users:
        fund(user, "100.00")

    def subscribe(i):
        return (
            client_for(users[i])
            .post(
                "/api/v1/recharge/subscribe",
                {"plan_id": cheap_plan.pk, "offer_id": offer.pk},
                headers=new_key(),
            )
            .status_code
        )

    codes = run_together(10, subscribe)
    assert codes.count(201) == 3 and codes.count(400) == 7
    offer.refresh_from_db()
    assert offer.redemptions_count == OfferRedemption.objects.count() == 3
    assert_ledger_consistent()


def test_the_per_user_offer_cap_holds_under_concurrency(subscriber, cheap_plan, make_offer):
    offer = make_offer(max_redemptions_per_user=1)
    fund(subscriber, "1000.00")

    def subscribe(i):
        return (
            client_for(subscriber)
            .post(
                "/api/v1/recharge/subscribe",
                {"plan_id": cheap_plan.pk, "offer_id": offer.pk},
                headers=new_key(),
            )
            .status_code
        )

    codes = run_together(8, subscribe)
    assert codes.count(201) == 1
    assert OfferRedemption.objects.count() == 1
    assert_ledger_consistent()


@pytest.fixture
def due_autopays(plan):
    """40 due autopays, each owner able to pay twice (so a double charge would go through)."""
    due = timezone.now() - timedelta(hours=1)
    autopays = []
    for i in range(40):
        user = UserFactory(mobile=f"+9196000000{i:02d}")
        fund(user, "1398.00")
        autopays.append(
            Autopay.objects.create(
                user=user, plan=plan, phone_number=user.mobile, next_due_date=due
            )
        )
    return autopays


def test_two_process_due_runs_at_once_charge_each_autopay_once(due_autopays, plan):
    runs = run_together(2, lambda i: autopay_process_due(batch_size=5))
    charged = [o.autopay_id for run in runs for o in run if o.status == "processed"]
    assert sorted(charged) == sorted(a.pk for a in due_autopays)  # each once, none twice
    assert AutopayCharge.objects.count() == 40
    for autopay in Autopay.objects.select_related("user"):
        assert balance_of(autopay.user) == Decimal("699.00")
        assert autopay.next_due_date > timezone.now()
    assert_ledger_consistent()


def test_two_admin_endpoint_runs_at_once(due_autopays, staff):
    def run(i):
        return client_for(staff).post("/api/v1/autopay/admin/process-due", {}).json()

    replies = run_together(2, run)
    ids = [item["autopay_id"] for reply in replies for item in reply]
    assert sorted(ids) == sorted(a.pk for a in due_autopays)
    assert Transaction.objects.filter(source="autopay").count() == 40
    assert_ledger_consistent()


def test_a_crashed_run_leaves_its_autopays_due_and_others_skip_its_locks(due_autopays, monkeypatch):
    claimed = threading.Event()
    release = threading.Event()
    real_lock_wallets = autopay_services._lock_wallets
    real_record = autopay_services._record_charges

    def lock_wallets(user_ids):
        result = real_lock_wallets(user_ids)
        if threading.current_thread().name == "crasher":
            claimed.set()
            release.wait(timeout=30)  # hold the claimed batch while the other run goes by
        return result

    def record_charges(charged, **kwargs):
        if threading.current_thread().name == "crasher":  # charged, then killed before commit
            raise RuntimeError("worker killed before commit")
        return real_record(charged, **kwargs)

    monkeypatch.setattr(autopay_services, "_lock_wallets", lock_wallets)
    monkeypatch.setattr(autopay_services, "_record_charges", record_charges)

    def work(i):
        if i == 0:
            try:
                autopay_process_due(batch_size=10)
            except RuntimeError:
                return "crashed"
            return "finished"
        claimed.wait(timeout=30)
        try:
            return autopay_process_due(batch_size=10)
        finally:
            release.set()

    crashed, others = run_together(2, work, names=["crasher", "runner"])
    assert crashed == "crashed"
    # The other run charged everything except the batch the crashed run had claimed.
    assert len(others) == 30 and {o.status for o in others} == {"processed"}
    untouched = Autopay.objects.exclude(pk__in=[o.autopay_id for o in others])
    assert untouched.count() == 10
    assert not AutopayCharge.objects.filter(autopay__in=untouched).exists()
    for autopay in untouched.select_related("user"):
        assert autopay.next_due_date < timezone.now()  # still due
        assert balance_of(autopay.user) == Decimal("1398.00")
    monkeypatch.undo()
    assert {o.status for o in autopay_process_due()} == {"processed"}
    assert AutopayCharge.objects.count() == 40
    assert_ledger_consistent()


def test_an_autopay_whose_wallet_is_busy_waits_for_the_next_run(due_autopays):
    busy_user = due_autopays[0].user_id
    holding = threading.Event()
    done = threading.Event()

    def work(i):
        if i == 0:
            with transaction.atomic():
                Wallet.objects.select_for_update().get(user_id=busy_user)
                holding.set()
                done.wait(timeout=30)
            return None
        holding.wait(timeout=30)
        try:
            return autopay_process_due(batch_size=7)
        finally:
            done.set()

    _, outcomes = run_together(2, work)
    assert len(outcomes) == 39 and due_autopays[0].pk not in {o.autopay_id for o in outcomes}
    assert [o.autopay_id for o in autopay_process_due()] == [due_autopays[0].pk]
    assert AutopayCharge.objects.count() == 40
    assert_ledger_consistent()


def test_plan_retirement_races_a_subscribe_safely(subscriber, cheap_plan):
    fund(subscriber, "500.00")

    def work(i):
        if i == 0:
            Plan.objects.filter(pk=cheap_plan.pk).update(status="retired")
            return None
        return (
            client_for(subscriber)
            .post("/api/v1/recharge/subscribe", {"plan_id": cheap_plan.pk}, headers=new_key())
            .status_code
        )

    codes = run_together(5, work)[1:]
    assert set(codes) <= {201, 400}
    assert balance_of(subscriber) == Decimal("500.00") - 100 * codes.count(201)
    assert_ledger_consistent()
