"""Throughput of the wallet service and of autopay, against raw SQL doing the bare minimum.

Runs on a throwaway database (`bench_recharge_wallet`, created and dropped) and
measures, in interleaved rounds:

  P5  debits per second with 8 concurrent clients (processes) on one wallet:
      through `recharge.services.wallet.wallet_debit` (conditional UPDATE, ledger
      entry, audit event, one transaction), and through raw SQL
      (`UPDATE ... WHERE balance >= x RETURNING balance` plus the ledger INSERT);
      goal: ratio >= 0.6;
  P6  autopay charges per second over 5,000 due autopays on distinct wallets
      (20,000 with --size full) through `autopay_process_due`, and the raw
      conditional UPDATE plus ledger INSERT over as many distinct wallets;
      goal: ratio >= 0.8.

Then checks that every wallet's balance equals the sum of its ledger.

    .venv/bin/python bench/recharge_wallet.py [--size small|full] [--rounds 3] [--clients 8]
"""

import argparse
import itertools
import time
from datetime import timedelta
from decimal import Decimal

import common
import psycopg
from common import Row

DEBIT = Decimal("1.00")
# Every round funds wallets of its own; their users need distinct names and numbers.
_serials = itertools.count()


# --- 1. Debits on one wallet ----------------------------------------------------------


def _service_debits(user_id: int, txn_id: int, start_at: float, seconds: float) -> int:
    from django.db import connection

    from recharge.models import Transaction
    from recharge.services.wallet import wallet_debit

    txn = Transaction.objects.get(pk=txn_id)
    common.wait_until(start_at)
    stop, done = start_at + seconds, 0
    while time.time() < stop:
        wallet_debit(user_id=user_id, amount=DEBIT, txn=txn)
        done += 1
    connection.close()
    return done


def _raw_debits(wallet_id: int, txn_id: int, start_at: float, seconds: float) -> int:
    with psycopg.connect(**common.conninfo()) as conn:
        common.wait_until(start_at)
        stop, done = start_at + seconds, 0
        while time.time() < stop:
            with conn.cursor() as cur:
                cur.execute(
                    "UPDATE recharge_wallet SET balance = balance - %s, updated_at = now()"
                    " WHERE id = %s AND balance >= %s RETURNING balance",
                    [DEBIT, wallet_id, DEBIT],
                )
                (balance,) = cur.fetchone()
                cur.execute(
                    "INSERT INTO recharge_ledgerentry"
                    " (wallet_id, transaction_id, amount, balance_after, description, created_at)"
                    " VALUES (%s, %s, %s, %s, '', now())",
                    [wallet_id, txn_id, -DEBIT, balance],
                )
            conn.commit()
            done += 1
    return done


def debit_measures(clients: int, seconds: float) -> dict:
    """The two debit rates (per second), one round each, on two funded wallets."""
    from recharge.models import Transaction, Wallet
    from recharge.services.wallet import wallet_credit
    from tests.factories import UserFactory

    def funded_wallet(name: str):
        user = UserFactory(username=f"{name}-{time.time_ns()}")
        txn = Transaction.objects.create(
            user=user,
            category="wallet",
            txn_type="credit",
            amount=Decimal("10000000.00"),
            source="wallet_topup",
            status="success",
        )
        wallet_credit(user_id=user.pk, amount=txn.amount, txn=txn)
        return user, txn, Wallet.objects.get(user=user)

    user, service_txn, _ = funded_wallet("bench-service")
    _, raw_txn, raw_wallet = funded_wallet("bench-raw")
    return {
        "service debits": lambda: common.run_clients(
            _service_debits, (user.pk, service_txn.pk), clients, seconds
        ),
        "raw debits": lambda: common.run_clients(
            _raw_debits, (raw_wallet.pk, raw_txn.pk), clients, seconds
        ),
    }


# --- 2. Autopay over distinct wallets -------------------------------------------------


def _fund_many(count: int, amount: Decimal) -> list:
    """`count` new users with wallets holding `amount`, each with its funding entry."""
    from accounts.models import User
    from recharge.models import LedgerEntry, Transaction, Wallet

    batch = next(_serials)
    base = 9_000_000_000 + batch * count
    users = User.objects.bulk_create(
        User(username=f"ap{batch}-{i}", mobile=f"+91{base + i}", password="!") for i in range(count)
    )
    wallets = Wallet.objects.bulk_create(Wallet(user=u, balance=amount) for u in users)
    txns = Transaction.objects.bulk_create(
        Transaction(
            user=u,
            category="wallet",
            txn_type="credit",
            amount=amount,
            source="wallet_topup",
            status="success",
        )
        for u in users
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(wallet=w, transaction=t, amount=amount, balance_after=amount)
        for w, t in zip(wallets, txns, strict=True)
    )
    return list(zip(users, wallets, txns, strict=True))


def autopay_measures(count: int) -> dict:
    """The two charge rates (per second); each round funds `count` fresh wallets, untimed."""
    from django.db import connections
    from django.utils import timezone

    from recharge.models import Autopay, Plan
    from recharge.services.autopay_run import autopay_process_due

    plan = Plan.objects.create(plan_name="Bench 28d", validity=28, price=Decimal("99.00"))

    def autopay_run() -> float:
        funded = _fund_many(count, Decimal("500.00"))
        due = timezone.now() - timedelta(minutes=5)
        Autopay.objects.bulk_create(
            Autopay(user=u, plan=plan, phone_number=u.mobile, next_due_date=due)
            for u, _, _ in funded
        )
        started = time.perf_counter()
        outcomes = autopay_process_due(batch_size=100)
        rate = len(outcomes) / (time.perf_counter() - started)
        if {o.status for o in outcomes} != {"processed"} or len(outcomes) != count:
            raise SystemExit("autopay did not charge every due autopay exactly once")
        return rate

    def raw_run() -> float:
        funded = _fund_many(count, Decimal("500.00"))
        connections.close_all()
        with psycopg.connect(**common.conninfo()) as conn:
            started = time.perf_counter()
            for _, wallet, txn in funded:
                with conn.cursor() as cur:
                    cur.execute(
                        "UPDATE recharge_wallet SET balance = balance - %s, updated_at = now()"
                        " WHERE id = %s AND balance >= %s RETURNING balance",
                        [plan.price, wallet.pk, plan.price],
                    )
                    (balance,) = cur.fetchone()
                    cur.execute(
                        "INSERT INTO recharge_ledgerentry"
                        " (wallet_id, transaction_id, amount, balance_after, description,"
                        " created_at) VALUES (%s, %s, %s, %s, '', now())",
                        [wallet.pk, txn.pk, -plan.price, balance],
                    )
                conn.commit()
            return count / (time.perf_counter() - started)

    return {"autopay run": autopay_run, "raw charges": raw_run}


def check_ledger() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM recharge_wallet w WHERE w.balance < 0 OR w.balance <>"
            " (SELECT coalesce(sum(amount), 0) FROM recharge_ledgerentry e WHERE e.wallet_id = w.id)"
        )
        (broken,) = cur.fetchone()
    if broken:
        raise SystemExit(f"{broken} wallets do not equal the sum of their ledger")


def run(args: argparse.Namespace) -> list[Row]:
    seconds = args.seconds or {"small": 3.0, "full": 10.0}[args.size]
    autopays = args.autopays or {"small": 5000, "full": 20_000}[args.size]
    samples = common.interleaved(debit_measures(args.clients, seconds), args.rounds)
    samples |= common.interleaved(autopay_measures(autopays), args.rounds)
    common.print_rates(samples)
    check_ledger()
    print("ledger: every balance equals the sum of its entries")
    return [
        Row.at_least(
            "P5",
            f"wallet debits, {args.clients} clients on one wallet / raw conditional UPDATE",
            common.paired_ratio(samples, "service debits", "raw debits"),
            0.6,
        ),
        Row.at_least(
            "P6",
            f"autopay over {autopays:,} due mandates / raw distinct-wallet debits",
            common.paired_ratio(samples, "autopay run", "raw charges"),
            0.8,
        ),
    ]


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, help="per debit round (default by --size)")
    parser.add_argument("--autopays", type=int, help="due autopays per round (default by --size)")


if __name__ == "__main__":
    # Forked clients cannot share a connection pool's threads: one plain connection each.
    common.main(
        run, __doc__, name="recharge_wallet", env={"DATABASE_POOL": "false"}, arguments=arguments
    )
