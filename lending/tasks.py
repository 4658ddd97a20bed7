from celery import shared_task
from django.utils import timezone

from lending.services.standing import standing_refresh_all


@shared_task(name="lending.tasks.refresh_loan_standing")
def refresh_loan_standing() -> dict:
    """Days past due and delinquency buckets of every active loan, as of today."""
    result = standing_refresh_all(as_of=timezone.localdate())
    return {
        "as_of": result.as_of.isoformat(),
        "loans_checked": result.loans_checked,
        "loans_changed": result.loans_changed,
    }
