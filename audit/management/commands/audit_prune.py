from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.services import audit_prune, request_log_prune


class Command(BaseCommand):
    help = "Apply the retention policy to the audit trail and the API request log."

    def add_arguments(self, parser):
        parser.add_argument(
            "--audit-days",
            type=int,
            default=settings.AUDIT_RETENTION_DAYS,
            help="Keep audit events this many days (0: keep all).",
        )
        parser.add_argument(
            "--log-days",
            type=int,
            default=settings.API_LOG_RETENTION_DAYS,
            help="Keep API request log rows this many days (0: keep all).",
        )

    def handle(self, *args, audit_days: int, log_days: int, **options):
        if audit_days < 0 or log_days < 0:
            raise CommandError("Retention days cannot be negative.")
        now = timezone.now()
        if audit_days:
            removed = audit_prune(before=now - timedelta(days=audit_days))
            self.stdout.write(f"Audit events removed: {removed}")
        if log_days:
            removed = request_log_prune(before=now - timedelta(days=log_days))
            self.stdout.write(f"API log rows removed: {removed}")
