from celery.schedules import crontab

BEAT_SCHEDULE = {
    "payments-reconcile": {
        "task": "payments.tasks.payments_reconcile",
        "schedule": crontab(minute="*/5"),
    },
}
