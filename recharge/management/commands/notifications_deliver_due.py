from django.core.management.base import BaseCommand

from recharge.notifications.services.announcements import announcements_deliver_due


class Command(BaseCommand):
    help = "Deliver the announcements that are due (the same work as the scheduled task)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="At most this many.")

    def handle(self, *args, limit=100, **options):
        result = announcements_deliver_due(limit=limit)
        self.stdout.write(
            self.style.SUCCESS(
                f"Announcements delivered: {result['delivered']} "
                f"({result['recipients']} recipients)."
            )
        )
