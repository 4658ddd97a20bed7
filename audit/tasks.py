"""Background jobs of the audit app: sealing the chain, database backups and restores."""

from celery import shared_task

from audit.backups import restores, services
from audit.services import audit_seal


@shared_task(ignore_result=True)
def audit_seal_task() -> None:
    """Seal events that the after-commit sealing left behind."""
    audit_seal()


@shared_task(ignore_result=True)
def backup_run_task(backup_id: int) -> None:
    services.backup_run(backup_id=backup_id)


@shared_task(ignore_result=True)
def backup_restore_task(restore_id: int, context: dict | None = None) -> None:
    restores.restore_run(restore_id=restore_id, context=context)
