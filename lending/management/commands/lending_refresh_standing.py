from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lending.services.standing import standing_refresh_all


class Command(BaseCommand):
    help = "Update days past due and delinquency buckets of every active loan (the daily job)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="The date to compute for (YYYY-MM-DD); default today.")

    def handle(self, *args, as_of=None, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--as-of must be a date written YYYY-MM-DD.") from exc
        result = standing_refresh_all(as_of=day)
        self.stdout.write(
            f"as of {result.as_of}: {result.loans_checked} active loans checked, "
            f"{result.loans_changed} changed"
        )
