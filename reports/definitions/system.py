"""Reports over the platform itself: backups."""

from audit.models import Backup
from reports.registry import Column, Filter, Report, register

register(
    Report(
        slug="backup-report",
        title="Backups",
        source=lambda user: Backup.objects.all(),
        columns=(
            Column("backup_id", "id"),
            Column("name", "name"),
            Column("kind", "kind"),
            Column("status", "status"),
            Column("size_bytes", "size_bytes"),
            Column("checksum_sha256", "checksum_sha256"),
            Column("creator_id", "creator_id"),
            Column("created_at", "created_at"),
            Column("completed_at", "completed_at"),
        ),
        filters={
            "backup_ids": Filter("pk__in", "ids"),
            "statuses": Filter("status__in", "strings"),
            "kinds": Filter("kind__in", "strings"),
        },
        orderings={"created_at": "created_at", "size": "size_bytes", "name": "name"},
        permission="reports.run_report",
    )
)
