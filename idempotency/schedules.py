from celery.schedules import crontab

BEAT_SCHEDULE = {
    "idempotency-purge": {
        "task": "idempotency.tasks.idempotency_purge",
        "schedule": crontab(minute=17),
    },
}
