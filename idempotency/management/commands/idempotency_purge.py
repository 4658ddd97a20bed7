from django.core.management.base import BaseCommand

from idempotency.services import idempotency_purge


class Command(BaseCommand):
    help = "Forget Idempotency-Key replies older than their retention (at least 24 hours)."

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS(f"Forgot {idempotency_purge()} keys."))
