from django.core.management.base import BaseCommand, CommandError

from audit.chain import verify_chain
from audit.services import audit_seal


class Command(BaseCommand):
    help = (
        "Seal any committed events not sealed yet, then verify the audit trail's hash chain; "
        "exits non-zero at the first broken link."
    )

    def handle(self, *args, **options):
        audit_seal()
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at event #{report.broken_at}: {report.reason} "
                f"({report.checked} events verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events."))
