"""Uploads too large for one request: queued as a job, imported by a background task.

The job is the upload's ImportBatch. Its file is kept in the database until
the task has read it, since a worker may run on another machine. The task
claims the job once, saves its progress every so many rows, and leaves it
done (in the transaction that saves the rows) or failed with a reason; a job
whose worker died is found standing still and reported failed.
"""

import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import APIException

from accounts.models import AccountStatus
from config.tasks import enqueue_on_commit
from lending.models import ImportBatch, ImportFile, ImportKind, ImportStatus
from lending.selectors import lending_role
from lending.services.imports.customers import REQUIRED as CUSTOMER_REQUIRED
from lending.services.imports.customers import customers_import, customers_import_file
from lending.services.imports.interactions import REQUIRED as INTERACTION_REQUIRED
from lending.services.imports.interactions import interactions_import, interactions_import_file
from lending.services.imports.limits import background_rows, rows_check, rows_count, size_check
from lending.services.imports.report import ImportReport, table_read, upload_decode, upload_read

logger = logging.getLogger(__name__)

_IMPORTERS = {
    ImportKind.CUSTOMERS: (customers_import, customers_import_file, CUSTOMER_REQUIRED),
    ImportKind.INTERACTIONS: (interactions_import, interactions_import_file, INTERACTION_REQUIRED),
}
TASK_NAME = "lending.tasks.import_run"
UNEXPECTED_FAILURE = "The import stopped on an unexpected error; upload the file again."
INTERRUPTED = "The import was interrupted before it finished; upload the file again."


def import_submit(*, kind: str, actor, upload, dry_run: bool) -> ImportReport | ImportBatch:
    """Import an upload now and answer its report, or queue it and answer the job.

    A file over the size or row limit is refused before any row is parsed.
    A file with more rows than `IMPORT_BACKGROUND_ROWS` is queued, a dry run
    as well: its job then carries the report and saves nothing.
    """
    if upload is None:
        raise ValidationError({"file": ["No file provided."]})
    size_check(upload.size)
    rows = rows_count(upload)
    rows_check(rows)
    run_now, _, _ = _IMPORTERS[kind]
    if rows <= background_rows():
        return run_now(actor=actor, upload=upload, dry_run=dry_run)
    return import_job_queue(kind=kind, actor=actor, upload=upload, dry_run=dry_run, rows=rows)


def import_job_queue(*, kind: str, actor, upload, dry_run: bool, rows: int) -> ImportBatch:
    """The job of a large upload, its file kept for the worker, and the task sent on commit."""
    file = upload_read(upload)
    # A file that is not CSV, or lacks a column, is refused now rather than failing later.
    _, _, required = _IMPORTERS[kind]
    table_read(file.text, required=required, optional=())
    with transaction.atomic():
        job = ImportBatch.objects.create(
            kind=kind,
            status=ImportStatus.QUEUED,
            dry_run=dry_run,
            uploaded_by=actor,
            file_name=file.name,
            file_sha256=file.sha256,
            file_size=file.size,
            rows_total=rows,
        )
        ImportFile.objects.create(batch=job, content=file.raw)
        enqueue_on_commit(TASK_NAME, job.pk)
    # With no broker the task has run in this process on commit.
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int) -> ImportBatch | None:
    """Import a queued job's file; a job claimed already (a task sent twice) is left alone."""
    now = timezone.now()
    claimed = ImportBatch.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=now, updated_at=now
    )
    if not claimed:
        return None
    job = ImportBatch.objects.select_related("uploaded_by").get(pk=job_id)
    finished = False
    try:
        _run(job)
        finished = True
    except SoftTimeLimitExceeded:
        minutes = max(1, settings.IMPORT_JOB_TIMEOUT_SECONDS // 60)
        import_job_fail(
            job_id=job_id,
            reason=f"The import took longer than {minutes} minutes and was stopped.",
        )
        finished = True
    except (ValidationError, APIException) as exc:
        # The file's own problems, and conflicts the uploader can act on.
        import_job_fail(job_id=job_id, reason=_reason(exc))
        finished = True
    except Exception:
        logger.exception("Import job %s failed", job_id)
        import_job_fail(job_id=job_id, reason=UNEXPECTED_FAILURE)
        finished = True
    finally:
        # The worker is shutting down (SystemExit, KeyboardInterrupt): the job must not
        # stay running. A worker killed outright is caught by the timeout instead.
        if not finished:
            import_job_fail(job_id=job_id, reason=INTERRUPTED)
    job.refresh_from_db()
    return job


def _run(job: ImportBatch) -> None:
    actor = job.uploaded_by
    if actor.status != AccountStatus.ACTIVE or lending_role(actor) is None:
        raise ValidationError("The uploader may no longer import.")
    content = ImportFile.objects.values_list("content", flat=True).get(batch=job)
    file = upload_decode(bytes(content), name=job.file_name)
    _, run_file, _ = _IMPORTERS[job.kind]

    def progress(rows_done: int) -> None:
        job.rows_processed = min(rows_done, job.rows_total)
        job.updated_at = timezone.now()
        job.save(update_fields=["rows_processed", "updated_at"])

    run_file(actor=actor, file=file, dry_run=job.dry_run, job=job, progress=progress)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
        return " ".join(exc.messages)
    return str(exc.detail) if isinstance(exc.detail, str) else UNEXPECTED_FAILURE


def import_job_fail(*, job_id: int, reason: str) -> bool:
    """Marks an unfinished job failed with `reason`; False when it had finished already."""
    now = timezone.now()
    with transaction.atomic():
        failed = ImportBatch.objects.filter(
            pk=job_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
        ).update(status=ImportStatus.FAILED, failure_reason=reason, finished_at=now, updated_at=now)
        ImportFile.objects.filter(batch_id=job_id).delete()
    return bool(failed)


def import_job_expire(*, job: ImportBatch) -> ImportBatch:
    """Reports a job failed when it has stood still past the timeout (its worker is gone).

    A job that is saving its rows holds its row lock, so this waits for that
    transaction and then finds the job done.
    """
    if (
        job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
        and job.updated_at < _stale_before()
    ):
        _expire(job_id=job.pk, status=job.status)
        job.refresh_from_db()
    return job


def import_jobs_expire_stale() -> int:
    """Every job standing still past the timeout reported failed, also those nobody polls."""
    stale = ImportBatch.objects.filter(
        status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING], updated_at__lt=_stale_before()
    ).values_list("pk", "status")
    return sum(_expire(job_id=pk, status=status) for pk, status in stale)


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.IMPORT_JOB_TIMEOUT_SECONDS)


def _expire(*, job_id: int, status: str) -> bool:
    minutes = max(1, settings.IMPORT_JOB_TIMEOUT_SECONDS // 60)
    reason = (
        f"The import was not started within {minutes} minutes; upload the file again."
        if status == ImportStatus.QUEUED
        else f"The import made no progress for {minutes} minutes; upload the file again."
    )
    now = timezone.now()
    with transaction.atomic():
        # Only if it is still as found: a job that moved meanwhile is alive.
        expired = ImportBatch.objects.filter(
            pk=job_id, status=status, updated_at__lt=_stale_before()
        ).update(status=ImportStatus.FAILED, failure_reason=reason, finished_at=now, updated_at=now)
        if expired:
            ImportFile.objects.filter(batch_id=job_id).delete()
    return bool(expired)
