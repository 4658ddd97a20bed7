from datetime import date

from django.core.management.base import BaseCommand

from billing.services.isp_invoicing import invoices_generate


class Command(BaseCommand):
    help = "Start the next billing period (invoice and reseller debit) of every subscriber due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=date.fromisoformat, help="Bill as of this day (default: today)."
        )

    def handle(self, *args, **options):
        counts = invoices_generate(today=options["date"])
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))
