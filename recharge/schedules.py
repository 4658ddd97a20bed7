from celery.schedules import crontab

BEAT_SCHEDULE = {
    "recharge-autopay-process-due": {
        "task": "recharge.tasks.autopay_process_due",
        "schedule": crontab(minute="*/5"),
    },
    "recharge-user-plans-roll": {
        "task": "recharge.tasks.user_plans_roll",
        "schedule": crontab(minute="*/5"),
    },
    "recharge-referrals-settle": {
        "task": "recharge.tasks.referrals_settle",
        "schedule": crontab(minute="*/10"),
    },
    "recharge-idempotency-purge": {
        "task": "recharge.tasks.idempotency_purge",
        "schedule": crontab(minute=17),
    },
}
