from django.core.management.base import BaseCommand

from kyc.services import kyc_process_submissions


class Command(BaseCommand):
    help = (
        "Score KYC submissions whose code was confirmed (verify them or send them to review) "
        "and expire submissions whose code was never confirmed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="Most records per kind of work.")

    def handle(self, *args, limit: int, **options):
        result = kyc_process_submissions(limit=limit)
        self.stdout.write(
            f"Processed {result['processed']} confirmed submission(s); "
            f"expired {result['expired']} unconfirmed."
        )
