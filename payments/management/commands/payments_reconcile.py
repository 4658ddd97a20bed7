from django.core.management.base import BaseCommand
from tqdm import tqdm

from payments.services.reconcile import payments_reconcile


class Command(BaseCommand):
    help = "Ask the provider about open payments: settle the paid, expire the unpaid."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, limit: int, no_progress: bool, **options):
        def progress(items, total):
            return tqdm(items, total=total, desc="payments", unit="payment", disable=no_progress)

        counts = payments_reconcile(limit=limit, progress=progress)
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
