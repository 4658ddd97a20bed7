"""Large uploads: a 202 with a job, imported by the background task, polled until done."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AccountStatus
from audit.models import AuditEvent
from lending.models import Customer, ImportBatch, ImportFile, ImportStatus, Interaction
from lending.services.imports import import_job_run
from lending.services.imports.jobs import INTERRUPTED, UNEXPECTED_FAILURE, import_job_fail
from tests.lending.conftest import csv_file
from tests.lending.test_import_limits import customers_csv

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/bulk/upload/"
INTERACTIONS_URL = "/api/v1/interactions/bulk/upload/"


def job_url(job_id: int) -> str:
    return f"/api/v1/lending/imports/{job_id}/"


@pytest.fixture(autouse=True)
def _small_thresholds(settings):
    settings.IMPORT_BACKGROUND_ROWS = 3
    settings.IMPORT_PROGRESS_ROWS = 2


@pytest.fixture
def queue_only(officer):
    """A client whose requests' on-commit work is captured, not run: the task waits."""

    def _post(user, text: str, url: str = URL, **data):
        client = APIClient()
        client.force_authenticate(user)
        return client.post(url, {"file": csv_file(text), **data}, format="multipart")

    return _post


def _upload(client, text: str, url: str = URL, **data):
    return client.post(url, {"file": csv_file(text), **data}, format="multipart")


def _run_queued() -> list:
    return [import_job_run(job_id=pk) for pk in ImportBatch.objects.values_list("pk", flat=True)]


def test_a_large_file_answers_202_and_the_job_is_polled_until_done(as_user, officer):
    client = as_user(officer)
    response = _upload(client, customers_csv(7))
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "queued"
    assert (job["rows_total"], job["rows_processed"], job["progress"]) == (7, 0, 0)
    assert job["report"] is None
    assert job["kind"] == "customers"
    assert response["Location"].endswith(job_url(job["id"]))

    # The client's request ran the task on commit, as a worker would have.
    polled = client.get(response["Location"])
    assert polled.status_code == 200
    done = polled.json()
    assert (done["status"], done["progress"], done["rows_processed"]) == ("done", 100, 7)
    assert done["failure_reason"] == ""
    assert done["started_at"] and done["finished_at"]
    report = done["report"]
    assert (report["records_created"], report["rows_total"], report["errors"]) == (7, 7, [])
    assert report["batch_id"] == job["id"]
    assert Customer.objects.count() == 7
    assert set(Customer.objects.values_list("created_by", flat=True)) == {officer.pk}
    event = AuditEvent.objects.get(action="lending.customers_imported")
    assert event.after["records_created"] == 7
    assert not ImportFile.objects.exists()


def test_the_background_threshold_is_inclusive(as_user, officer):
    client = as_user(officer)
    assert _upload(client, customers_csv(3)).status_code == 201
    assert _upload(client, customers_csv(4)).status_code == 202


def test_a_job_reports_the_same_errors_a_synchronous_upload_does(as_user, officer, settings):
    text = customers_csv(5) + "No Phone,\nBad Phone,123\n"
    client = as_user(officer)
    queued = _upload(client, text)
    assert queued.status_code == 202
    report = client.get(job_url(queued.json()["id"])).json()["report"]
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(7, "phone"), (8, "phone")]
    assert (report["records_created"], report["error_count"]) == (5, 2)

    Customer.objects.all().delete()
    settings.IMPORT_BACKGROUND_ROWS = 100
    now = _upload(client, text).json()
    assert {**now, "batch_id": None} == {**report, "batch_id": None}
    # A synchronous import's batch can be looked at the same way.
    assert client.get(job_url(now["batch_id"])).json()["report"] == now


def test_progress_is_saved_every_few_rows_and_seen_while_running(as_user, officer):
    client = as_user(officer)
    poller = APIClient()
    poller.force_authenticate(officer)
    seen = []

    def poll(sender, instance, update_fields=None, **kwargs):
        if update_fields and "rows_processed" in update_fields:
            body = poller.get(job_url(instance.pk)).json()
            seen.append(
                (sorted(update_fields), body["status"], body["rows_processed"], body["progress"])
            )

    post_save.connect(poll, sender=ImportBatch)
    try:
        response = _upload(client, customers_csv(7))
    finally:
        post_save.disconnect(poll, sender=ImportBatch)
    assert response.status_code == 202
    progress_fields = ["rows_processed", "updated_at"]
    assert [s for s in seen if s[0] == progress_fields] == [
        (progress_fields, "running", 2, 28),
        (progress_fields, "running", 4, 57),
        (progress_fields, "running", 6, 85),
        (progress_fields, "running", 7, 99),
    ]
    assert client.get(job_url(response.json()["id"])).json()["progress"] == 100


def test_interactions_are_imported_in_the_background(as_user, officer, make_customer, make_loan):
    loan = make_loan(make_customer(officer))
    text = "loan_id,comment,disposition\n" + "".join(
        f"{loan.pk},Visit {i},visited\n" for i in range(5)
    )
    client = as_user(officer)
    response = _upload(client, text, INTERACTIONS_URL)
    assert response.status_code == 202
    assert response.json()["kind"] == "interactions"
    done = client.get(response["Location"]).json()
    assert done["status"] == "done"
    assert done["report"]["records_created"] == 5
    assert Interaction.objects.filter(loan=loan).count() == 5
    assert AuditEvent.objects.filter(action="lending.interactions_imported").exists()


def test_a_large_dry_run_is_a_job_that_saves_nothing(as_user, officer):
    client = as_user(officer)
    response = _upload(client, customers_csv(6), dry_run="true")
    assert response.status_code == 202
    assert response.json()["dry_run"] is True
    done = client.get(response["Location"]).json()
    assert done["status"] == "done"
    report = done["report"]
    assert (report["dry_run"], report["records_valid"], report["records_created"]) == (True, 6, 0)
    assert not Customer.objects.exists()
    assert not AuditEvent.objects.filter(action="lending.customers_imported").exists()


def test_a_large_file_without_its_columns_is_refused_at_once(as_user, officer):
    response = _upload(as_user(officer), "name,email\n" + "A,a@example.com\n" * 5)
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == ["Missing columns: phone."]
    assert not ImportBatch.objects.exists()


# --- Failures ---------------------------------------------------------------------------


def test_a_file_that_breaks_midway_leaves_the_job_failed_with_the_reason(as_user, officer):
    text = customers_csv(5) + 'Broken,"98765"x\n' + customers_csv(2).split("\n", 1)[1]
    client = as_user(officer)
    response = _upload(client, text)
    assert response.status_code == 202
    failed = client.get(response["Location"]).json()
    assert failed["status"] == "failed"
    assert failed["failure_reason"].startswith("file: Line 7 is not valid CSV")
    assert failed["report"] is None
    assert failed["progress"] < 100
    assert failed["finished_at"]
    assert not Customer.objects.exists()
    assert not ImportFile.objects.exists()


def test_an_unexpected_error_fails_the_job_without_telling_its_details(
    as_user, officer, monkeypatch, caplog
):
    def explode(*args, **kwargs):
        raise RuntimeError("connection string postgres://secret")

    monkeypatch.setattr("lending.services.imports.customers._save", explode)
    client = as_user(officer)
    response = _upload(client, customers_csv(5))
    failed = client.get(response["Location"]).json()
    assert failed["status"] == "failed"
    assert failed["failure_reason"] == UNEXPECTED_FAILURE
    assert "secret" not in str(failed)
    assert any("Import job" in r.getMessage() for r in caplog.records)
    assert not Customer.objects.exists()


def test_an_interrupted_task_leaves_the_job_failed_not_running(officer, queue_only, monkeypatch):
    response = queue_only(officer, customers_csv(5))
    assert response.json()["status"] == "queued"

    def interrupt(*args, **kwargs):
        raise SystemExit(1)

    monkeypatch.setattr("lending.services.imports.customers._save", interrupt)
    with pytest.raises(SystemExit):
        import_job_run(job_id=response.json()["id"])
    job = ImportBatch.objects.get()
    assert (job.status, job.failure_reason) == (ImportStatus.FAILED, INTERRUPTED)
    assert not ImportFile.objects.exists()


def test_a_job_whose_worker_vanished_is_reported_failed(officer, queue_only, as_user):
    job_id = queue_only(officer, customers_csv(5)).json()["id"]
    client = as_user(officer)
    assert client.get(job_url(job_id)).json()["status"] == "queued"

    long_ago = timezone.now() - timedelta(minutes=31)
    ImportBatch.objects.filter(pk=job_id).update(updated_at=long_ago)
    body = client.get(job_url(job_id)).json()
    assert body["status"] == "failed"
    assert body["failure_reason"].startswith("The import was not started within 30 minutes")
    # The task arriving late finds the job closed and imports nothing.
    assert import_job_run(job_id=job_id) is None
    assert not Customer.objects.exists()

    running_id = queue_only(officer, customers_csv(4)).json()["id"]
    ImportBatch.objects.filter(pk=running_id).update(
        status=ImportStatus.RUNNING, started_at=long_ago, updated_at=timezone.now()
    )
    assert client.get(job_url(running_id)).json()["status"] == "running"
    ImportBatch.objects.filter(pk=running_id).update(updated_at=long_ago)
    body = client.get(job_url(running_id)).json()
    assert body["status"] == "failed"
    assert body["failure_reason"].startswith("The import made no progress for 30 minutes")


def test_a_job_failed_while_it_ran_saves_no_rows(officer, queue_only):
    job_id = queue_only(officer, customers_csv(5)).json()["id"]

    def fail_midway(sender, instance, update_fields=None, **kwargs):
        if update_fields and "rows_processed" in update_fields:
            import_job_fail(job_id=instance.pk, reason="Stopped by the timeout.")

    post_save.connect(fail_midway, sender=ImportBatch)
    try:
        with CaptureQueriesContext(connection) as queries:
            job = import_job_run(job_id=job_id)
    finally:
        post_save.disconnect(fail_midway, sender=ImportBatch)
    assert (job.status, job.failure_reason) == (ImportStatus.FAILED, "Stopped by the timeout.")
    assert not Customer.objects.exists()
    # It stops before it even looks for the customers saved already.
    assert not [q for q in queries.captured_queries if "lending_customer" in q["sql"]]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": ImportStatus.FAILED, "failure_reason": ""},
        {"status": ImportStatus.DONE, "failure_reason": "Broken."},
        {"status": ImportStatus.DONE, "finished_at": None},
        {"status": ImportStatus.RUNNING, "finished_at": timezone.now()},
        {"rows_processed": 8},
        {"dry_run": True, "records_created": 1},
    ],
)
def test_the_database_refuses_a_job_row_that_contradicts_itself(officer, fields):
    valid = {
        "kind": "customers",
        "uploaded_by": officer,
        "file_sha256": "0" * 64,
        "file_size": 10,
        "rows_total": 7,
        "rows_processed": 7,
        "status": ImportStatus.DONE,
        "finished_at": timezone.now(),
    }
    ImportBatch.objects.create(**valid)
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportBatch.objects.create(**{**valid, **fields})


def test_a_job_is_imported_once_however_often_its_task_runs(officer, queue_only):
    queue_only(officer, customers_csv(5))
    first, second = _run_queued() + _run_queued()
    assert first.status == ImportStatus.DONE
    assert second is None
    assert Customer.objects.count() == 5
    assert AuditEvent.objects.filter(action="lending.customers_imported").count() == 1


def test_an_uploader_who_lost_access_before_the_run_gets_a_failed_job(officer, queue_only):
    queue_only(officer, customers_csv(5))
    officer.status = AccountStatus.BLOCKED
    officer.save(update_fields=["status"])
    (job,) = _run_queued()
    assert (job.status, job.failure_reason) == (
        ImportStatus.FAILED,
        "The uploader may no longer import.",
    )
    assert not Customer.objects.exists()


# --- Who may look -----------------------------------------------------------------------


def test_only_the_uploader_and_lending_admins_see_a_job(
    as_user, officer, other_officer, manager, agent, admin_user, outsider, queue_only
):
    job_id = queue_only(officer, customers_csv(5)).json()["id"]
    assert as_user(officer).get(job_url(job_id)).status_code == 200
    assert as_user(admin_user).get(job_url(job_id)).status_code == 200
    for someone_else in (other_officer, manager, agent):
        response = as_user(someone_else).get(job_url(job_id))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert as_user(outsider).get(job_url(job_id)).status_code == 403
    assert as_user(officer).get(job_url(job_id + 1000)).status_code == 404
    assert APIClient().get(job_url(job_id)).status_code == 401


def test_the_schema_documents_jobs_and_limits(api_client):
    schema = api_client.get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/customers/bulk/upload/", "/api/v1/interactions/bulk/upload/"):
        responses = schema["paths"][path]["post"]["responses"]
        assert responses["202"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ImportJob"
        }
        assert "Location" in responses["202"]["headers"]
        # Seed 002's error: the design body plus `error`.
        assert responses["413"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/RepaysyncError"
        }
    job = schema["paths"]["/api/v1/lending/imports/{id}/"]["get"]
    assert job["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ImportJob"
    }
    assert {"404", "403"} <= set(job["responses"])
    properties = schema["components"]["schemas"]["ImportJob"]["properties"]
    assert {"status", "rows_total", "rows_processed", "progress", "report"} <= set(properties)


def test_the_periodic_sweep_fails_stale_jobs_nobody_polls(officer, queue_only):
    from lending.schedules import BEAT_SCHEDULE
    from lending.tasks import expire_stale_imports

    stale_id = queue_only(officer, customers_csv(5)).json()["id"]
    fresh_id = queue_only(officer, customers_csv(4)).json()["id"]
    ImportBatch.objects.filter(pk=stale_id).update(
        status=ImportStatus.RUNNING, updated_at=timezone.now() - timedelta(hours=1)
    )
    assert expire_stale_imports() == 1
    stale, fresh = ImportBatch.objects.get(pk=stale_id), ImportBatch.objects.get(pk=fresh_id)
    assert stale.status == ImportStatus.FAILED
    assert stale.failure_reason.startswith("The import made no progress")
    assert not ImportFile.objects.filter(batch=stale).exists()
    assert fresh.status == ImportStatus.QUEUED
    assert ImportFile.objects.filter(batch=fresh).exists()
    assert expire_stale_imports() == 0
    assert BEAT_SCHEDULE["lending-expire-stale-imports"]["task"] == expire_stale_imports.name
