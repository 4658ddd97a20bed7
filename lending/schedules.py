from celery.schedules import crontab

BEAT_SCHEDULE = {
    "lending-refresh-loan-standing": {
        "task": "lending.tasks.refresh_loan_standing",
        # Just after midnight, so the day's worklists start from fresh buckets.
        "schedule": crontab(hour=0, minute=15),
    },
    "lending-expire-stale-imports": {
        "task": "lending.tasks.expire_stale_imports",
        "schedule": crontab(minute="*/10"),
    },
}
