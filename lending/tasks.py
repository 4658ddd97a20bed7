from celery import shared_task
from django.conf import settings
from django.utils import timezone

from lending.services.imports.jobs import import_job_run, import_jobs_expire_stale
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


@shared_task(
    name="lending.tasks.import_run",
    ignore_result=True,
    # Past the soft limit the job is recorded failed; the hard limit ends a task that ignores it.
    soft_time_limit=settings.IMPORT_JOB_TIMEOUT_SECONDS,
    time_limit=settings.IMPORT_JOB_TIMEOUT_SECONDS + 60,
)
def import_run(job_id: int) -> None:
    """Import the file of a queued CSV upload, saving its progress as it goes."""
    import_job_run(job_id=job_id)


@shared_task(name="lending.tasks.expire_stale_imports", ignore_result=True)
def expire_stale_imports() -> int:
    """Import jobs whose worker died, reported failed even when nobody polls them."""
    return import_jobs_expire_stale()
