from django.core.management.base import BaseCommand

from recharge.services.referrals import referrals_settle


class Command(BaseCommand):
    help = "Record missing referral rewards and credit those already earned."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000)

    def handle(self, *args, limit=1000, **options):
        result = referrals_settle(limit=limit)
        self.stdout.write(
            self.style.SUCCESS(f"Recorded {result['recorded']}, credited {result['granted']}.")
        )
