"""Background exports: queued by the report view, written by a Celery task."""

import logging
import tempfile

from django.core.files.base import File
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from config.tasks import enqueue_on_commit
from reports import csvexport, engine
from reports.models import ExportStatus, ReportExport
from reports.registry import REGISTRY

logger = logging.getLogger(__name__)


def export_queue(*, report_slug: str, body: dict, user) -> ReportExport:
    with transaction.atomic():
        export = ReportExport.objects.create(
            report=report_slug,
            export_type=body.get("export_type", "csv"),
            request_body=body,
            requested_by=user,
        )
        enqueue_on_commit("reports.tasks.run_export", str(export.pk))
    return export


def export_run(*, export_id: str) -> ReportExport | None:
    """Write the file of a queued export once; a second run finds it taken and does nothing."""
    claimed = ReportExport.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.RUNNING
    )
    if not claimed:
        return None
    export = ReportExport.objects.select_related("requested_by").get(pk=export_id)
    report = REGISTRY[export.report]
    try:
        request = engine.ReportRequest(report, export.request_body)
        rows = engine.queryset_for(report, request, export.requested_by)
        name = engine.filename(report, export.export_type)
        if export.export_type == "xlsx":
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as spool:
                engine.write_xlsx(report, request, rows, spool.name)
                spool.seek(0)
                export.file.save(name, File(spool), save=False)
        else:
            # Written to a temporary file block by block, so memory stays flat however large.
            with tempfile.TemporaryFile("w+b") as spool:
                for block in csvexport.csv_chunks(report, request, rows):
                    spool.write(block)
                spool.seek(0)
                export.file.save(name, File(spool), save=False)
        export.rows = rows.count()
        export.status = ExportStatus.COMPLETED
    except Exception as exc:
        logger.exception("Export %s failed", export_id)
        export.status = ExportStatus.FAILED
        export.error = type(exc).__name__
    export.completed_at = timezone.now()
    export.save(update_fields=["file", "rows", "status", "error", "completed_at"])
    if export.requested_by.email:
        verdict = "is ready to download" if export.status == ExportStatus.COMPLETED else "failed"
        send_mail(
            f"Your {report.title} export {verdict}",
            f"The {report.title} export you asked for {verdict}. Export id: {export.pk}.",
            None,
            [export.requested_by.email],
        )
    return export
