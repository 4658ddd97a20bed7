from django.core.management.base import BaseCommand

from recharge.notifications.services.notice_scans import system_notices_scan


class Command(BaseCommand):
    help = (
        "Tell users about autopay charges and failures, low balances, expiring plans and "
        "referral rewards not told yet (the same work as the scheduled task)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000, help="At most this many of each.")

    def handle(self, *args, limit=1000, **options):
        told = system_notices_scan(limit=limit)
        summary = ", ".join(f"{kind} {count}" for kind, count in told.items())
        self.stdout.write(self.style.SUCCESS(f"Notices sent: {summary}."))
