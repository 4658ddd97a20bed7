from config.progress import ProgressCommand
from payments.services.reconcile import payments_reconcile


class Command(ProgressCommand):
    help = "Ask the provider about open payments: settle the paid, expire the unpaid."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000)

    def handle(self, *args, limit: int, **options):
        def progress(items, total):
            return self.progress(items, total=total, desc="payments", unit="payment")

        counts = payments_reconcile(limit=limit, progress=progress)
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
