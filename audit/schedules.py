BEAT_SCHEDULE = {
    "audit-seal": {"task": "audit.tasks.audit_seal_task", "schedule": 5.0},
}
