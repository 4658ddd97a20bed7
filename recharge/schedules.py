from celery.schedules import crontab

BEAT_SCHEDULE = {
    "recharge-autopay-process-due": {
        "task": "recharge.tasks.autopay_process_due",
        "schedule": crontab(minute="*/5"),
    },
    "recharge-fulfilments-recheck": {
        "task": "recharge.tasks.fulfilments_recheck",
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
    "recharge-announcements-deliver-due": {
        "task": "recharge.notifications.tasks.announcements_deliver_due",
        "schedule": crontab(minute="*"),
    },
    "recharge-system-notices-scan": {
        "task": "recharge.notifications.tasks.system_notices_scan",
        "schedule": crontab(minute="*/5"),
    },
    "recharge-content-orphans-purge": {
        "task": "recharge.notifications.tasks.content_orphans_purge",
        "schedule": crontab(hour=3, minute=41),
    },
}
