from django.core.management.base import CommandError
from rest_framework.exceptions import APIException

from audit.backups import services
from audit.models_backup import BackupStatus
from config.progress import ProgressCommand, StepBar


class Command(ProgressCommand):
    help = "Back the database up with pg_dump (custom format), in this process."

    def add_arguments(self, parser):
        parser.add_argument("--label", default="", help="A label, e.g. daily_snapshot.")
        parser.add_argument("--description", default="")

    def handle(self, *args, **options):
        try:
            backup = services.backup_create(
                creator=None,
                label=options["label"],
                description=options["description"],
                background=False,
            )
        except APIException as exc:
            raise CommandError(str(exc.detail)) from None
        with StepBar(self.progress(total=2, desc="backup", unit="step")) as step:
            backup = services.backup_run(backup_id=backup.pk, on_step=step)
        if backup.status != BackupStatus.COMPLETED:
            raise CommandError(f"Backup {backup.pk} failed: {backup.error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup {backup.pk} completed: {backup.file_path} "
                f"({backup.size_bytes} bytes, sha256 {backup.checksum_sha256})."
            )
        )
