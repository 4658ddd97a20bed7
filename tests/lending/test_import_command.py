"""`manage.py lending_import`: the upload endpoints' import, from a file on disk."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lending.models import Customer, ImportBatch, Interaction
from tests.lending.conftest import csv_file
from tests.lending.test_imports import BAD, CUSTOMERS_URL, GOOD, HEADER

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("lending_import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def customers_csv(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("\n".join([HEADER, *GOOD, *BAD]))
    return path


def test_prints_the_report_the_api_answers(as_user, officer, customers_csv, settings):
    out, _ = run("customers", str(customers_csv), "--uploader", officer.username, "--json")
    printed = json.loads(out)
    assert (printed["records_created"], printed["rows_total"]) == (3, 5)
    assert Customer.objects.count() == 3
    assert all(c.created_by == officer for c in Customer.objects.all())
    # The same file through the endpoint, after clearing: the same report, field for field.
    Customer.objects.all().delete()
    api = as_user(officer).post(
        CUSTOMERS_URL, {"file": csv_file(customers_csv.read_text())}, format="multipart"
    )
    assert api.status_code == 201
    reply = api.json()
    for body in (printed, reply):
        body.pop("batch_id")
    assert printed == reply


def test_errors_by_row_dry_run_and_a_second_run(officer, customers_csv):
    out, _ = run("customers", str(customers_csv), "--uploader", officer.username, "--dry-run")
    assert "3 would be created" in out and "row 5" in out and "row 6" in out
    assert not Customer.objects.exists() and not ImportBatch.objects.exists()
    run("customers", str(customers_csv), "--uploader", officer.username)
    out, _ = run("customers", str(customers_csv), "--uploader", officer.username)
    assert "0 created, 3 skipped" in out
    assert Customer.objects.count() == 3


def test_interactions_with_a_progress_bar(officer, make_customer, make_loan, today, tmp_path):
    loan = make_loan(make_customer(officer))
    path = tmp_path / "interactions.csv"
    next_day = (today + timedelta(days=1)).isoformat()
    path.write_text(
        "loan_id,comment,disposition,next_call_date\n"
        + "".join(f"{loan.pk},Visit {n},visited,{next_day}\n" for n in range(3))
    )
    out, err = run("interactions", str(path), "--uploader", officer.username, "--progress")
    assert "3 created" in out
    assert "3/3" in err  # the bar, on standard error
    assert Interaction.objects.filter(loan=loan, created_by=officer).count() == 3


def test_only_collections_staff_may_import(outsider, customers_csv):
    with pytest.raises(CommandError, match="may not import"):
        run("customers", str(customers_csv), "--uploader", outsider.username)
    with pytest.raises(CommandError, match="No user"):
        run("customers", str(customers_csv), "--uploader", "nobody")
    assert not Customer.objects.exists()


def test_the_size_limit_holds(officer, customers_csv, settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(CommandError, match="larger than the limit"):
        run("customers", str(customers_csv), "--uploader", officer.username)
    assert not Customer.objects.exists()
