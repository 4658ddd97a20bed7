import uuid

from django.core.management.base import CommandError

from config.progress import ProgressCommand
from reports.models import ExportStatus, ReportExport
from reports.services import export_run


class Command(ProgressCommand):
    help = (
        "Write queued report exports in this process (the work the background task does), "
        "e.g. when no worker is running. Without ids, every export still waiting."
    )

    def add_arguments(self, parser):
        parser.add_argument("export_ids", nargs="*", help="Ids of waiting exports.")

    def handle(self, *args, export_ids: list[str], **options):
        waiting = ReportExport.objects.filter(status=ExportStatus.PENDING).order_by("created_at")
        if export_ids:
            try:
                wanted = {str(uuid.UUID(value)) for value in export_ids}
            except ValueError:
                raise CommandError("Export ids are UUIDs.") from None
            waiting = waiting.filter(pk__in=wanted)
            found = {str(pk) for pk in waiting.values_list("pk", flat=True)}
            missing = sorted(wanted - found)
            if missing:
                raise CommandError(f"No waiting export with id {', '.join(missing)}.")
        ids = [str(pk) for pk in waiting.values_list("pk", flat=True)]
        counts = {ExportStatus.COMPLETED: 0, ExportStatus.FAILED: 0}
        for export_id in self.progress(ids, total=len(ids), desc="exports", unit="export"):
            export = export_run(export_id=export_id)
            if export is not None:
                counts[export.status] = counts.get(export.status, 0) + 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Exports written: {counts[ExportStatus.COMPLETED]}, "
                f"failed: {counts[ExportStatus.FAILED]}."
            )
        )
