from django.core.management.base import BaseCommand
from django.utils import timezone

from recharge.services.autopay_run import autopay_process_due, due_autopays


class Command(BaseCommand):
    help = "Charge every due autopay (the same work as the scheduled task and the admin endpoint)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="At most this many autopays.")
        parser.add_argument("--batch-size", type=int, default=100)

    def handle(self, *args, limit=None, batch_size=100, **options):
        now = timezone.now()
        total = due_autopays(now=now).count()
        if limit is not None:
            total = min(total, limit)
        done = 0

        def progress(count: int) -> None:
            nonlocal done
            done += count
            self.stdout.write(_bar(done, total), ending="\r")
            self.stdout.flush()

        outcomes = autopay_process_due(
            now=now, limit=limit, batch_size=batch_size, on_progress=progress
        )
        if outcomes:
            self.stdout.write("")
        counts: dict[str, int] = {}
        for outcome in outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        summary = ", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "none due"
        self.stdout.write(self.style.SUCCESS(f"Autopays: {summary}."))


def _bar(done: int, total: int, width: int = 30) -> str:
    total = max(total, done, 1)
    filled = round(width * done / total)
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
