from celery.schedules import crontab

# Both are safe to run again: periods are invoiced once, reminders sent once.
BEAT_SCHEDULE = {
    "billing-isp-invoices-generate": {
        "task": "billing.tasks.isp_invoices_generate",
        "schedule": crontab(minute=5),
    },
    "billing-isp-lifecycle-run": {
        "task": "billing.tasks.isp_lifecycle_run",
        "schedule": crontab(minute=20),
    },
}
