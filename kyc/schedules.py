from celery.schedules import crontab

BEAT_SCHEDULE = {
    "kyc-process-submissions": {
        "task": "kyc.tasks.process_kyc_submissions",
        "schedule": crontab(),  # every minute: a confirmed code should not wait long
    },
}
