from celery import shared_task

from idempotency.services import idempotency_purge


@shared_task(name="idempotency.tasks.idempotency_purge")
def idempotency_purge_task() -> int:
    return idempotency_purge()
