from django.utils import timezone

from config.progress import ProgressCommand
from recharge.services.autopay_run import autopay_process_due, due_autopays


class Command(ProgressCommand):
    help = "Charge every due autopay (the same work as the scheduled task and the admin endpoint)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="At most this many autopays.")
        parser.add_argument("--batch-size", type=int, default=100)

    def handle(self, *args, limit=None, batch_size=100, **options):
        now = timezone.now()
        total = due_autopays(now=now).count()
        if limit is not None:
            total = min(total, limit)
        with self.progress(total=total, desc="autopays", unit="autopay") as bar:
            outcomes = autopay_process_due(
                now=now, limit=limit, batch_size=batch_size, on_progress=bar.update
            )
        counts: dict[str, int] = {}
        for outcome in outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        summary = ", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "none due"
        self.stdout.write(self.style.SUCCESS(f"Autopays: {summary}."))
