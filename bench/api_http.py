"""Requests per second of API routes served by gunicorn, against a bare DRF view in the same server.

Migrates a throwaway database (`bench_api_http`), fills it, serves `config.wsgi`
under gunicorn (2 workers, bench/settings.py: the project's settings plus
/bench/bare/, an unauthenticated APIView answering a tiny JSON), and drives it
from this process with concurrent keep-alive clients (forked processes), in
interleaved rounds:

  P1  authenticated, filtered lists of 20: loans, customers (an officer's own),
      a subscriber's wallet transactions; each against /bench/bare/ (goal >= 0.25)
  P2  the signed-in user's profile (GET /api/v1/user/profile/my_profile) against
      /bench/bare/ (goal >= 0.6)
  P7  sign-ins (POST /api/v1/auth/login) against the hasher's CPU ceiling: the
      machine's cores / the CPU seconds of one check_password on the same hasher,
      measured in the same rounds (goal >= 0.9)

The clients run on the same machine as the server and take their share of its cores.

    .venv/bin/python bench/api_http.py [--size small|full] [--rounds 3] [--clients 4]
"""

import argparse
import json
import os
import time
import urllib.request
from datetime import date, timedelta
from decimal import Decimal

import common
from common import Call, Row

PASSWORD = "Bench-Sign-In-42"
PAGE = 20
SIZES = {"small": (20_000, 20_000, 60_000), "full": (200_000, 200_000, 600_000)}
ROUND_SECONDS = {"small": 3.0, "full": 10.0}


def make_lending(customers: int, loans: int):
    """An officer and `customers` customers (half of them the officer's) with `loans` loans."""
    from accounts.models import StaffType, User
    from lending.models import Customer, Loan, LoanStatus, LoanType

    officer = User.objects.create_user(
        username="bench-officer",
        email="bench-officer@example.com",
        password=PASSWORD,
        user_type=StaffType.COLLECTION_OFFICER,
    )
    cities = ["Pune", "Kolkata", "Chennai", "Delhi"]
    Customer.objects.bulk_create(
        (
            Customer(
                customer_code=f"B{n:08d}",
                name=f"Customer {n}",
                phone=f"+9190{n:08d}",
                city=cities[n % len(cities)],
                state="MH",
                pincode="411001",
                assigned_collection_officer=officer if n % 2 == 0 else None,
            )
            for n in range(customers)
        ),
        batch_size=5000,
    )
    customer_ids = list(Customer.objects.values_list("pk", flat=True))
    types = list(LoanType.values)
    start = date(2025, 1, 1)
    Loan.objects.bulk_create(
        (
            Loan(
                loan_account_number=f"LAN{n:09d}",
                customer_id=customer_ids[n % len(customer_ids)],
                principal_amount=Decimal(10_000 + n % 90_000),
                interest_rate=Decimal("12.50"),
                loan_type=types[n % len(types)],
                tenure_months=12 + n % 48,
                loan_date=start + timedelta(days=n % 600),
                status=LoanStatus.CLOSED if n % 5 == 0 else LoanStatus.ACTIVE,
            )
            for n in range(loans)
        ),
        batch_size=5000,
    )
    return officer


def make_transactions(rows: int):
    """`rows` transactions over 1,000 subscribers (the CSV export bench's fill); returns one
    subscriber, who has rows / 1,000 of them."""
    from reports_csv_export import fill

    from accounts.models import User

    fill(rows)
    return User.objects.get(username="sub1")


def make_sign_ins(count: int) -> tuple[list[str], str]:
    """`count` subscribers who sign in with PASSWORD; one hash shared by all, which
    makes creating them cheap and changes nothing in verifying it."""
    from accounts.models import User

    first = User.objects.create_user(
        username="bench-login-0", email="bench-login-0@example.com", password=PASSWORD
    )
    User.objects.bulk_create(
        User(
            username=f"bench-login-{n}",
            email=f"bench-login-{n}@example.com",
            password=first.password,
        )
        for n in range(1, count)
    )
    return [f"bench-login-{n}" for n in range(count)], first.password


def bearer(user) -> dict:
    from accounts.services.sessions import session_start

    return {"Authorization": f"Bearer {session_start(user=user).access}"}


def verify_cpu_seconds(encoded: str, times: int = 10) -> float:
    """CPU seconds of one password verify (every thread of the process counted)."""
    from django.contrib.auth.hashers import check_password

    started = time.process_time()
    for _ in range(times):
        if not check_password(PASSWORD, encoded):
            raise SystemExit("the bench's password does not verify")
    return (time.process_time() - started) / times


def page_length(port: int, call: Call) -> int:
    """How many items a list route answers (a bare array, or the array in its envelope)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{call.path}", headers=call.headers)
    with urllib.request.urlopen(request, timeout=30) as reply:
        body = json.load(reply)
    if isinstance(body, dict):
        body = next(value for value in body.values() if isinstance(value, list))
    return len(body)


def run(args: argparse.Namespace) -> list[Row]:
    from django.contrib.auth.hashers import identify_hasher

    customers, loans, transactions = SIZES[args.size]
    seconds = args.seconds or ROUND_SECONDS[args.size]
    started = time.perf_counter()
    officer = make_lending(customers, loans)
    subscriber = make_transactions(transactions)
    logins, encoded = make_sign_ins(64)
    officer_auth, subscriber_auth = bearer(officer), bearer(subscriber)
    print(
        f"data: {customers:,} customers, {loans:,} loans, {transactions:,} transactions, "
        f"{len(logins)} sign-in users ({time.perf_counter() - started:.0f} s); "
        f"hasher {identify_hasher(encoded).algorithm}"
    )
    json_headers = {"Content-Type": "application/json"}
    targets = {
        "bare": [Call("GET", "/bench/bare/", {})],
        "loans": [Call("GET", f"/api/v1/loans/?status=active&limit={PAGE}", officer_auth)],
        "customers": [Call("GET", f"/api/v1/customers/?city=Pune&limit={PAGE}", officer_auth)],
        "transactions": [
            Call(
                "GET",
                f"/api/v1/recharge/my/transactions?category=wallet&size={PAGE}",
                subscriber_auth,
            )
        ],
        "profile": [Call("GET", "/api/v1/user/profile/my_profile", officer_auth)],
        "login": [
            Call(
                "POST",
                "/api/v1/auth/login",
                json_headers,
                json.dumps({"username": name, "password": PASSWORD}).encode(),
            )
            for name in logins
        ],
    }
    # Subscribers sign in without a second factor; staff would need it unless it is off.
    with common.gunicorn(workers=2, threads=4, env={"AUTH_STAFF_SECOND_FACTOR": "false"}) as port:
        # A filter that matched fewer rows than a page would flatter the list.
        for name in ("loans", "customers", "transactions"):
            if (length := page_length(port, targets[name][0])) != PAGE:
                raise SystemExit(f"{name}: {length} items in a page, not {PAGE}")
        for calls in targets.values():  # warm up: each worker's imports and first queries
            common.http_rate(port, calls, args.clients, 1.0)
        measures = {
            name: (lambda calls=calls: common.http_rate(port, calls, args.clients, seconds))
            for name, calls in targets.items()
        }
        measures["ceiling"] = lambda: os.cpu_count() / verify_cpu_seconds(encoded)
        samples = common.interleaved(measures, args.rounds)
    common.print_rates(samples)
    list_goal, profile_goal, login_goal = 0.25, 0.6, 0.9
    lists = {"loans": "loans", "customers": "customers", "transactions": "wallet transactions"}
    return [
        *(
            Row.at_least(
                "P1",
                f"{label} list (20, filtered) / bare APIView, req/s",
                common.paired_ratio(samples, name, "bare"),
                list_goal,
            )
            for name, label in lists.items()
        ),
        Row.at_least(
            "P2",
            "my_profile / bare APIView, req/s",
            common.paired_ratio(samples, "profile", "bare"),
            profile_goal,
        ),
        Row.at_least(
            "P7",
            f"sign-ins/s / hasher CPU ceiling ({os.cpu_count()} cores / one verify's CPU s)",
            common.paired_ratio(samples, "login", "ceiling"),
            login_goal,
        ),
    ]


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes")
    parser.add_argument("--seconds", type=float, help="per round and route (default by size)")


if __name__ == "__main__":
    common.main(run, __doc__, name="api_http", arguments=arguments)
