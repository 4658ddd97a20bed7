"""Customer CSV import against a raw PostgreSQL COPY of the same file.

Makes a CSV of N customers (100,000 by default), then in one run:
  1. COPYs it into a scratch table of text columns (the baseline; best of 3),
  2. uploads it through POST /api/v1/customers/bulk/upload/ (every row
     validated, phones parsed, codes generated, rows saved),
  3. uploads it again (every row recognised as already imported),
and prints the times and their ratio to the baseline. For scale it also
times the same 100,000 customers, already validated, saved by `bulk_create`
and by a COPY into the customer table itself (its 4 indexes and checks: the
floor of any import into this schema).

Run from the project root against PostgreSQL (a scratch database
`<name>_lending_bench` is created and dropped):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_lending \\
        .venv/bin/python bench/lending_import.py [--rows 100000]
"""

import argparse
import csv
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

COLUMNS = (
    "customer_code",
    "name",
    "phone",
    "email",
    "address_line_1",
    "address_line_2",
    "city",
    "state",
    "pincode",
    "date_of_birth",
)
FIRST = ["Asha", "Ravi", "Sita", "Arjun", "Meera", "Kiran", "Vikram", "Priya", "Rahul", "Anita"]
LAST = ["Rao", "Kumar", "Devi", "Sharma", "Iyer", "Das", "Singh", "Patel", "Nair", "Ghosh"]
CITIES = [("Kolkata", "WB", "700"), ("Pune", "MH", "411"), ("Chennai", "TN", "600")]
DOMAINS = ["example.com", "mail.example.in", "corp.example.org"]


def make_csv(rows: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    phones = rng.sample(range(9_000_000_000, 9_999_999_999), rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for index, phone in enumerate(phones):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        city, state, pin = rng.choice(CITIES)
        writer.writerow(
            (
                "",
                f"{first} {last}",
                f"+91-{phone}",
                f"{first.lower()}.{last.lower()}{index}@{rng.choice(DOMAINS)}",
                f"{rng.randint(1, 999)} Main Road",
                f"Flat {rng.randint(1, 99)}",
                city,
                state,
                f"{pin}{rng.randint(1, 999):03d}",
                f"{rng.randint(1950, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            )
        )
    return out.getvalue().encode()


def raw_copy(connection, data: bytes) -> float:
    columns = ", ".join(f"{name} text" for name in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_scratch")
        cursor.execute(f"CREATE TABLE bench_scratch ({columns})")
        started = time.perf_counter()
        with cursor.cursor.copy("COPY bench_scratch FROM STDIN (FORMAT csv, HEADER true)") as copy:
            copy.write(data)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_scratch")
    return elapsed


def reference_loads(connection) -> tuple[float, float]:
    """Seconds to save the imported customers again by bulk_create, then by COPY."""
    from django.db import transaction

    from lending.models import Customer
    from lending.services.imports.customers import COLUMNS
    from lending.services.imports.loader import CopyTextMemo, copy_line

    rows = list(Customer.objects.order_by("pk").values_list(*COLUMNS))

    def clear() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Customer._meta.db_table} CASCADE")

    clear()
    started = time.perf_counter()
    with transaction.atomic():
        Customer.objects.bulk_create(
            (Customer(**dict(zip(COLUMNS, row, strict=True))) for row in rows), batch_size=1000
        )
    bulk_seconds = time.perf_counter() - started

    clear()
    memo = CopyTextMemo()
    text = "".join(copy_line(row, memo) + "\n" for row in rows)
    columns = ", ".join(Customer._meta.get_field(name).column for name in COLUMNS)
    started = time.perf_counter()
    statement = f"COPY {Customer._meta.db_table} ({columns}) FROM STDIN"
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        copy.write(text)
    floor_seconds = time.perf_counter() - started
    return bulk_seconds, floor_seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a PostgreSQL database: the baseline is PostgreSQL COPY.")
        return 2

    import logging

    logging.disable(logging.INFO)
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.IMPORT_MAX_BYTES = 1 << 30
    settings.IMPORT_MAX_ROWS = 10_000_000
    # The bench measures the import itself, not the background queue.
    settings.IMPORT_BACKGROUND_ROWS = 10_000_000
    # The API request log writes in the request, not from a background batch
    # that would outlive this script.
    settings.API_LOG_BATCH = 0
    base_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{base_name}_lending_bench"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from rest_framework.test import APIClient

        from accounts.models import StaffType, User
        from lending.models import Customer

        data = make_csv(args.rows)
        print(f"CSV: {args.rows} customer rows, {len(data) / 1e6:.1f} MB")

        officer = User.objects.create_user(
            username="bench_officer",
            email="bench@example.com",
            password="Bench-Password-1",
            user_type=StaffType.COLLECTION_OFFICER,
        )
        client = APIClient()
        client.force_authenticate(officer)

        def upload(content: bytes = data) -> tuple[float, dict]:
            handle = io.BytesIO(content)
            handle.name = "customers.csv"
            started = time.perf_counter()
            response = client.post(
                "/api/v1/customers/bulk/upload/", {"file": handle}, format="multipart"
            )
            elapsed = time.perf_counter() - started
            assert response.status_code == 201, response.content[:500]
            return elapsed, response.json()

        # A server that has answered once: imports, URL resolver, metadata loaded.
        upload(make_csv(10, seed=1))
        Customer.objects.all().delete()
        copies = [raw_copy(connection, data) for _ in range(3)]
        first, report = upload()
        assert report["records_created"] == args.rows, report
        assert Customer.objects.count() == args.rows
        again, report_again = upload()
        assert report_again["records_created"] == 0, report_again
        copies.append(raw_copy(connection, data))
        bulk_seconds, floor_seconds = reference_loads(connection)
        copies.sort()
        baseline = statistics.median(copies)
        best = copies[0]

        print(
            "raw COPY into a scratch table:   "
            f"{baseline:7.3f} s  (median of {len(copies)}: {', '.join(f'{c:.3f}' for c in copies)})"
        )
        print(
            f"validated import via the API:    {first:7.3f} s  ratio {first / baseline:5.2f}x "
            f"(vs best COPY {first / best:5.2f}x)  {report['records_created']} created"
        )
        print(
            f"same file again (all skipped):   {again:7.3f} s  ratio {again / baseline:5.2f}x "
            f"(vs best COPY {again / best:5.2f}x)  {report_again['records_skipped']} skipped"
        )
        print(
            f"for scale, the validated rows via bulk_create:  {bulk_seconds:7.3f} s  "
            f"ratio {bulk_seconds / baseline:5.2f}x"
        )
        print(
            f"for scale, the validated rows COPYed into the customer table: "
            f"{floor_seconds:7.3f} s  ratio {floor_seconds / baseline:5.2f}x"
        )
        goal = 10
        verdict = "within" if first / baseline <= goal else "OVER"
        print(f"goal: import within {goal}x the raw COPY (median) -> {verdict}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
