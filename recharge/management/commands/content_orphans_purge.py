from datetime import timedelta

from django.core.management.base import BaseCommand

from recharge.notifications.services.content import content_orphans_purge


class Command(BaseCommand):
    help = "Delete stored content images that no content refers to (the scheduled task's work)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes", type=int, default=60, help="Leave younger files alone."
        )

    def handle(self, *args, older_than_minutes=60, **options):
        removed = content_orphans_purge(older_than=timedelta(minutes=older_than_minutes))
        self.stdout.write(self.style.SUCCESS(f"Removed {removed} unused images."))
