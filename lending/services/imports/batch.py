from django.utils import timezone

from audit.services import audit_record
from config.exceptions import Conflict
from lending.models import ImportBatch, ImportFile, ImportStatus
from lending.services.imports.report import MAX_REPORTED_ERRORS, ImportReport, Upload

# A job answers with the report a synchronous upload gives, so it keeps as many errors.
KEPT_ERRORS = MAX_REPORTED_ERRORS

_REPORT_FIELDS = [
    "status",
    "rows_total",
    "rows_processed",
    "records_valid",
    "records_created",
    "records_skipped",
    "error_count",
    "errors",
    "finished_at",
    "updated_at",
]


def import_job_lock(*, job: ImportBatch) -> None:
    """Locks a running job's row for the import's transaction, or stops the import.

    A job reported failed while it ran (it stood still too long) must not
    save its rows after all; the lock makes that report wait until the
    import has committed, and then find it done.
    """
    still_running = (
        ImportBatch.objects.select_for_update()
        .filter(pk=job.pk, status=ImportStatus.RUNNING)
        .exists()
    )
    if not still_running:
        raise Conflict("The import was stopped before it finished; upload the file again.")


def import_batch_record(
    *,
    kind: str,
    action: str,
    actor,
    file: Upload,
    report: ImportReport,
    job: ImportBatch | None = None,
) -> ImportBatch:
    """The batch row (a new one, or the finished job) and its audit event, in the import's transaction.

    A dry run changes nothing, so it has no audit event; only a queued dry
    run has a batch, the job that carries its report.
    """
    now = timezone.now()
    batch = job or ImportBatch(
        kind=kind,
        uploaded_by=actor,
        file_name=file.name,
        file_sha256=file.sha256,
        file_size=file.size,
        dry_run=report.dry_run,
        created_at=now,
    )
    batch.status = ImportStatus.DONE
    batch.rows_total = report.rows_total
    batch.rows_processed = report.rows_total
    batch.records_valid = report.records_valid
    batch.records_created = report.records_created
    batch.records_skipped = report.records_skipped
    batch.error_count = report.error_count
    batch.errors = report.errors[:KEPT_ERRORS]
    batch.finished_at = now
    batch.updated_at = now
    if job is None:
        batch.save()
    else:
        batch.save(update_fields=_REPORT_FIELDS)
        ImportFile.objects.filter(batch=batch).delete()
    report.batch_id = batch.pk
    if not report.dry_run:
        audit_record(
            action=action,
            actor=actor,
            target=batch,
            after={
                "file_name": file.name,
                "file_sha256": file.sha256,
                "rows_total": report.rows_total,
                "records_created": report.records_created,
                "records_skipped": report.records_skipped,
                "error_count": report.error_count,
            },
        )
    return batch
