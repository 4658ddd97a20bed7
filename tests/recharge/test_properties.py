"""Random sequences of top-ups, subscribes, debits and reversals keep the money invariants.

The same checker runs under Hypothesis (which shrinks a failing sequence to a
minimal one) and over a fixed set of seeded random sequences, so the property
is exercised even where Hypothesis is not installed.
"""

import random
from decimal import Decimal

import pytest
from django.db import transaction

from accounts.models import User
from config.exceptions import Conflict
from recharge.errors import InsufficientBalance
from recharge.models import LedgerEntry, Plan, Transaction
from recharge.services.purchases import recharge_subscribe, wallet_topup
from recharge.services.wallet import ledger_entry_reverse, wallet_debit
from tests.factories import UserFactory
from tests.recharge.conftest import assert_ledger_consistent, balance_of, capture

pytestmark = pytest.mark.django_db

PRICES = ("0.01", "49.99", "100.00", "699.00")
OPS = ("topup", "subscribe", "debit", "reverse")


def check_sequence(ops: list[tuple[str, int]]) -> None:
    """Apply `ops` to one wallet and a model of it; they must agree after every step."""
    with transaction.atomic():
        user = UserFactory(mobile="+919855555555")
        other = UserFactory(mobile="+919866666666")
        plans = [
            Plan.objects.create(plan_name=f"P{p}", validity=1, price=Decimal(p)) for p in PRICES
        ]
        capture(wallet_topup(user=other, amount=Decimal("5.00"), payment_method="UPI"))
        expected = Decimal("0.00")
        for op, arg in ops:
            expected = _apply(op, arg, user, plans, expected)
            assert balance_of(user) == expected, (op, arg)
            assert_ledger_consistent()
        assert balance_of(other) == Decimal("5.00")  # nobody else's money moved
        transaction.set_rollback(True)


def _apply(op: str, arg: int, user: User, plans: list[Plan], expected: Decimal) -> Decimal:
    if op == "topup":
        amount = Decimal(arg % 100_000 + 1) / 100  # 0.01 .. 1000.00
        pending = wallet_topup(user=user, amount=amount, payment_method="UPI")
        assert balance_of(user) == expected  # nothing before the capture
        capture(pending)
        return expected + amount
    if op == "subscribe":
        plan = plans[arg % len(plans)]
        try:
            recharge_subscribe(user=user, plan_id=plan.pk, phone_number=user.mobile)
        except InsufficientBalance:
            assert plan.price > expected
            return expected
        assert plan.price <= expected
        return expected - plan.price
    if op == "debit":
        amount = Decimal(arg % 50_000 + 1) / 100
        txn = Transaction.objects.create(
            user=user,
            category="service",
            txn_type="debit",
            amount=amount,
            source="recharge",
            status="success",
        )
        try:
            wallet_debit(user_id=user.pk, amount=amount, txn=txn)
        except InsufficientBalance:
            assert amount > expected
            return expected
        return expected - amount
    entries = list(LedgerEntry.objects.filter(wallet__user=user).order_by("pk"))
    if not entries:
        return expected
    entry = entries[arg % len(entries)]
    try:
        ledger_entry_reverse(entry_id=entry.pk, actor=None, reason="property test")
    except Conflict:
        assert entry.reverses_id is not None or LedgerEntry.objects.filter(reverses=entry).exists()
        return expected
    except InsufficientBalance:
        assert entry.amount > expected
        return expected
    return expected - entry.amount


@pytest.mark.parametrize("seed", range(8))
def test_seeded_random_sequences_keep_the_invariants(seed):
    rng = random.Random(seed)
    ops = [(rng.choice(OPS), rng.randrange(1_000_000)) for _ in range(25)]
    check_sequence(ops)


try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - Hypothesis is a development dependency
    pass
else:

    @settings(
        max_examples=40,
        deadline=None,
        database=None,  # no example database written into the work tree
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.lists(
            st.tuples(st.sampled_from(OPS), st.integers(min_value=0, max_value=1_000_000)),
            max_size=20,
        )
    )
    def test_hypothesis_sequences_keep_the_invariants(ops):
        check_sequence(ops)
