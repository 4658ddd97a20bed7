from audit.services import audit_record
from lending.models import ImportBatch
from lending.services.imports.report import ImportReport, Upload

# How many of an import's errors the batch keeps for the admin.
KEPT_ERRORS = 100


def import_batch_record(
    *, kind: str, action: str, actor, file: Upload, report: ImportReport
) -> ImportBatch:
    """The batch row and its audit event, in the import's transaction."""
    batch = ImportBatch.objects.create(
        kind=kind,
        uploaded_by=actor,
        file_name=file.name,
        file_sha256=file.sha256,
        file_size=file.size,
        rows_total=report.rows_total,
        records_created=report.records_created,
        records_skipped=report.records_skipped,
        error_count=report.error_count,
        errors=report.errors[:KEPT_ERRORS],
    )
    report.batch_id = batch.pk
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
