from django.core.management.base import BaseCommand

from billing.services.isp_lifecycle import isp_lifecycle_run


class Command(BaseCommand):
    help = "Move overdue subscribers into grace, suspend and disconnect them; send reminders."

    def handle(self, *args, **options):
        counts = isp_lifecycle_run()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))
