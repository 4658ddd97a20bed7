"""Background jobs of the audit app: database backups and restores."""

from celery import shared_task

from audit.backups import restores, services


@shared_task(ignore_result=True)
def backup_run_task(backup_id: int) -> None:
    services.backup_run(backup_id=backup_id)


@shared_task(ignore_result=True)
def backup_restore_task(restore_id: int, context: dict | None = None) -> None:
    restores.restore_run(restore_id=restore_id, context=context)
