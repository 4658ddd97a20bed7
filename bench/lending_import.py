"""Customer CSV import against a raw PostgreSQL COPY of the same file (P3, goal <= 10x).

Makes a CSV of N customers (100,000 with --size small, 1,000,000 with full), then
in interleaved rounds:
  1. COPYs it into a scratch table of text columns (the baseline),
  2. uploads it through POST /api/v1/customers/bulk/upload/ into an empty customer
     table (every row validated, phones parsed, codes generated, rows saved),
  3. uploads it again (every row recognised as already imported),
and gives the medians' ratios to the baseline. For scale it also prints, once, the
time to save the same customers, already validated, by `bulk_create` and by a
COPY into the customer table itself (its 4 indexes and checks: the floor of any
import into this schema).

Runs on a throwaway database, `bench_lending_import`, created and dropped:
    .venv/bin/python bench/lending_import.py [--size small|full] [--rows N] [--rounds 3]
"""

import argparse
import csv
import io
import random
import time

import common
from common import Row

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


def clear_customers(connection) -> None:
    from lending.models import Customer

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Customer._meta.db_table} CASCADE")


def reference_loads(connection) -> tuple[float, float]:
    """Seconds to save the imported customers again by bulk_create, then by COPY."""
    from django.db import transaction

    from lending.models import Customer
    from lending.services.imports.customers import COLUMNS
    from lending.services.imports.loader import CopyTextMemo, copy_line

    rows = list(Customer.objects.order_by("pk").values_list(*COLUMNS))
    clear_customers(connection)
    started = time.perf_counter()
    with transaction.atomic():
        Customer.objects.bulk_create(
            (Customer(**dict(zip(COLUMNS, row, strict=True))) for row in rows), batch_size=1000
        )
    bulk_seconds = time.perf_counter() - started

    clear_customers(connection)
    memo = CopyTextMemo()
    text = "".join(copy_line(row, memo) + "\n" for row in rows)
    columns = ", ".join(Customer._meta.get_field(name).column for name in COLUMNS)
    started = time.perf_counter()
    statement = f"COPY {Customer._meta.db_table} ({columns}) FROM STDIN"
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        copy.write(text)
    floor_seconds = time.perf_counter() - started
    return bulk_seconds, floor_seconds


def run(args: argparse.Namespace) -> list[Row]:
    import logging

    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment
    from rest_framework.test import APIClient

    from accounts.models import StaffType, User
    from lending.models import Customer

    rows = args.rows or {"small": 100_000, "full": 1_000_000}[args.size]
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

    data = make_csv(rows)
    print(f"CSV: {rows:,} customer rows, {len(data) / 1e6:.1f} MB")
    officer = User.objects.create_user(
        username="bench_officer",
        email="bench@example.com",
        password="Bench-Password-1",
        user_type=StaffType.COLLECTION_OFFICER,
    )
    client = APIClient()
    client.force_authenticate(officer)

    def upload(content: bytes = data) -> dict:
        handle = io.BytesIO(content)
        handle.name = "customers.csv"
        response = client.post(
            "/api/v1/customers/bulk/upload/", {"file": handle}, format="multipart"
        )
        assert response.status_code == 201, response.content[:500]
        return response.json()

    def first_import() -> float:
        clear_customers(connection)
        started = time.perf_counter()
        report = upload()
        elapsed = time.perf_counter() - started
        assert report["records_created"] == rows, report
        return elapsed

    def again() -> float:
        started = time.perf_counter()
        report = upload()
        elapsed = time.perf_counter() - started
        assert report["records_created"] == 0 and report["records_skipped"] == rows, report
        return elapsed

    # A server that has answered once: imports, URL resolver, metadata loaded; and
    # the customers the first "again" round may meet before any import round.
    upload(make_csv(10, seed=1))
    clear_customers(connection)
    upload()
    samples = common.interleaved(
        {"copy": lambda: raw_copy(connection, data), "import": first_import, "again": again},
        args.rounds,
    )
    assert Customer.objects.count() == rows
    times = {name: common.median(values) for name, values in samples.items()}
    for name, values in samples.items():
        print(f"{name:>8}: median {times[name]:7.3f} s  (rounds: {common.spread(values, 3)})")
    bulk_seconds, floor_seconds = reference_loads(connection)
    baseline = times["copy"]
    print(f"for scale, the validated rows via bulk_create: ratio {bulk_seconds / baseline:5.2f}x")
    print(
        "for scale, the validated rows COPYed into the customer table: "
        f"ratio {floor_seconds / baseline:5.2f}x"
    )
    return [
        Row.at_most(
            "P3",
            f"customer CSV import ({rows:,} rows) / raw COPY",
            common.paired_ratio(samples, "import", "copy"),
            10,
        ),
        Row.info(
            "P3",
            "same CSV again, every row skipped / raw COPY",
            common.paired_ratio(samples, "again", "copy"),
        ),
    ]


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, help="customer rows (default by --size)")


if __name__ == "__main__":
    common.main(run, __doc__, name="lending_import", arguments=arguments)
