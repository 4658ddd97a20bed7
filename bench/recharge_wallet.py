"""Throughput of the wallet service and of autopay, against raw SQL doing the bare minimum.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/recharge_wallet.py

Runs on a throwaway database (`test_<name>` of DATABASE_URL, created and dropped
here). It measures, in one run:

1. debits per second with 8 concurrent clients (processes) on one wallet:
   through `recharge.services.wallet.wallet_debit` (conditional UPDATE, ledger
   entry, audit event, one transaction), and through raw SQL
   (`UPDATE ... WHERE balance >= x RETURNING balance` plus the ledger INSERT);
2. autopay charges per second over 5,000 due autopays on distinct wallets through
   `autopay_process_due`, and the raw conditional UPDATE plus ledger INSERT over
   5,000 distinct wallets.

and prints both ratios (goals: at least 0.5 for debits, 0.25 for autopay).
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Forked clients cannot share a connection pool's threads: one plain connection each.
os.environ["DATABASE_POOL"] = "false"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

DEBIT = Decimal("1.00")


def _conninfo() -> dict:
    db = connection.settings_dict
    return {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
        "dbname": db["NAME"],
    }


def _wait_until(start_at: float) -> None:
    while time.time() < start_at:
        time.sleep(0.001)


# --- 1. Debits on one wallet ----------------------------------------------------------


def _service_debits(user_id: int, txn_id: int, start_at: float, seconds: float, out) -> None:
    from recharge.models import Transaction
    from recharge.services.wallet import wallet_debit

    txn = Transaction.objects.get(pk=txn_id)
    _wait_until(start_at)
    stop, done = start_at + seconds, 0
    while time.time() < stop:
        wallet_debit(user_id=user_id, amount=DEBIT, txn=txn)
        done += 1
    connection.close()
    out.put(done)


def _raw_debits(wallet_id: int, txn_id: int, start_at: float, seconds: float, out) -> None:
    with psycopg.connect(**_conninfo()) as conn:
        _wait_until(start_at)
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
    out.put(done)


def _run_clients(target, args: tuple, clients: int, seconds: float) -> float:
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    start_at = time.time() + 1.5
    procs = [
        ctx.Process(target=target, args=(*args, start_at, seconds, out)) for _ in range(clients)
    ]
    for proc in procs:
        proc.start()
    total = sum(out.get(timeout=seconds + 120) for _ in procs)
    for proc in procs:
        proc.join()
        if proc.exitcode:
            raise SystemExit(f"a client failed (exit code {proc.exitcode})")
    return total / seconds


def bench_debits(clients: int, seconds: float, rounds: int) -> tuple[float, float]:
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
    # Alternate short rounds and keep the medians: a shared machine's load comes and goes.
    services, raws = [], []
    for _ in range(rounds):
        services.append(_run_clients(_service_debits, (user.pk, service_txn.pk), clients, seconds))
        raws.append(_run_clients(_raw_debits, (raw_wallet.pk, raw_txn.pk), clients, seconds))
    return statistics.median(services), statistics.median(raws)


# --- 2. Autopay over distinct wallets -------------------------------------------------


def _fund_many(count: int, prefix: str, amount: Decimal, base: int) -> list:
    """`count` users with wallets holding `amount`, each with its funding entry."""
    from accounts.models import User
    from recharge.models import LedgerEntry, Transaction, Wallet

    users = User.objects.bulk_create(
        User(username=f"{prefix}{i}", mobile=f"+91{base + i}", password="!") for i in range(count)
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


def bench_autopay(count: int) -> tuple[float, float]:
    from accounts.models import User
    from recharge.models import Autopay, Plan
    from recharge.services.autopay_run import autopay_process_due

    plan = Plan.objects.create(plan_name="Bench 28d", validity=28, price=Decimal("99.00"))
    funded = _fund_many(count, "ap", Decimal("500.00"), base=9_000_000_000)
    due = timezone.now() - timedelta(minutes=5)
    Autopay.objects.bulk_create(
        Autopay(user=u, plan=plan, phone_number=u.mobile, next_due_date=due) for u, _, _ in funded
    )
    started = time.perf_counter()
    outcomes = autopay_process_due(batch_size=100)
    autopay_rate = len(outcomes) / (time.perf_counter() - started)
    if {o.status for o in outcomes} != {"processed"} or len(outcomes) != count:
        raise SystemExit("autopay did not charge every due autopay exactly once")

    raw_funded = _fund_many(count, "raw", Decimal("500.00"), base=9_100_000_000)
    connections.close_all()
    with psycopg.connect(**_conninfo()) as conn:
        started = time.perf_counter()
        for _, wallet, txn in raw_funded:
            with conn.cursor() as cur:
                cur.execute(
                    "UPDATE recharge_wallet SET balance = balance - %s, updated_at = now()"
                    " WHERE id = %s AND balance >= %s RETURNING balance",
                    [plan.price, wallet.pk, plan.price],
                )
                (balance,) = cur.fetchone()
                cur.execute(
                    "INSERT INTO recharge_ledgerentry"
                    " (wallet_id, transaction_id, amount, balance_after, description, created_at)"
                    " VALUES (%s, %s, %s, %s, '', now())",
                    [wallet.pk, txn.pk, -plan.price, balance],
                )
            conn.commit()
        raw_rate = count / (time.perf_counter() - started)
    assert User.objects.count() >= 2 * count
    return autopay_rate, raw_rate


def check_ledger() -> None:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM recharge_wallet w WHERE w.balance < 0 OR w.balance <>"
            " (SELECT coalesce(sum(amount), 0) FROM recharge_ledgerentry e WHERE e.wallet_id = w.id)"
        )
        (broken,) = cur.fetchone()
    if broken:
        raise SystemExit(f"{broken} wallets do not equal the sum of their ledger")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--autopays", type=int, default=5000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server: the bench needs real locks.")

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        service, raw = bench_debits(args.clients, args.seconds, args.rounds)
        print(
            f"debits, {args.clients} clients on one wallet "
            f"(median of {args.rounds} alternating rounds of {args.seconds:g}s)"
        )
        print(f"  wallet service : {service:8.1f} /s")
        print(f"  raw SQL        : {raw:8.1f} /s")
        print(f"  ratio          : {service / raw:8.2f}  (goal >= 0.50)")
        autopay, raw_autopay = bench_autopay(args.autopays)
        print(f"autopay, {args.autopays} due autopays on distinct wallets")
        print(f"  autopay run    : {autopay:8.1f} charges/s")
        print(f"  raw SQL        : {raw_autopay:8.1f} debits/s")
        print(f"  ratio          : {autopay / raw_autopay:8.2f}  (goal >= 0.25)")
        check_ledger()
        print("ledger: every balance equals the sum of its entries")
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
