from django.core.management.base import BaseCommand

from recharge.services.plans import user_plans_roll


class Command(BaseCommand):
    help = "Expire users' plans whose time is up and start queued plans whose time has come."

    def handle(self, *args, **options):
        result = user_plans_roll()
        self.stdout.write(
            self.style.SUCCESS(f"Expired {result['expired']}, started {result['started']}.")
        )
