from django.core.management.base import CommandError
from rest_framework.exceptions import APIException

from audit.backups import restores
from audit.models_backup import Backup, RestoreStatus
from config.progress import ProgressCommand, StepBar


class Command(ProgressCommand):
    help = (
        "Replace the database with a backup (pg_restore --clean), in this process, "
        "after taking a safety backup of its current state."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup_id", type=int)
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, **options):
        backup = Backup.objects.filter(pk=options["backup_id"]).first()
        if backup is None:
            raise CommandError(f"No backup {options['backup_id']}.")
        if options["interactive"]:
            answer = input(
                f"Replace the database with backup {backup.pk} ({backup.name}, "
                f"taken {backup.created_at:%Y-%m-%d %H:%M} UTC)? Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            restore = restores.restore_create(backup=backup, requested_by=None, background=False)
        except APIException as exc:
            raise CommandError(str(exc.detail)) from None
        with StepBar(self.progress(total=3, desc="restore", unit="step")) as step:
            restore = restores.restore_run(restore_id=restore.pk, on_step=step)
        if restore.status != RestoreStatus.COMPLETED:
            raise CommandError(f"Restore {restore.pk} failed: {restore.error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored backup {backup.pk}; the previous state is in safety backup "
                f"{restore.safety_backup_id}."
            )
        )
