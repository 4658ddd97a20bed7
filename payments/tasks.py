"""Background jobs of the payments app; each calls a service."""

import requests
from celery import shared_task

from payments.providers.sandbox import SandboxProvider
from payments.services.reconcile import payments_reconcile
from payments.services.refunds import refund_submit


@shared_task(name="payments.tasks.refund_submit")
def refund_submit_task(refund_id: int) -> str:
    return refund_submit(refund_id=refund_id).status


@shared_task(name="payments.tasks.payments_reconcile")
def payments_reconcile_task() -> dict:
    return payments_reconcile()


@shared_task(
    name="payments.tasks.sandbox_webhook_deliver",
    autoretry_for=(requests.RequestException,),
    retry_backoff=2,
    max_retries=8,
)
def sandbox_webhook_deliver(url: str, body: str, event_id: str) -> int:
    """POST a sandbox webhook to our own endpoint, retried like a provider retries.

    It is signed here, so no signature travels through the broker or its logs.
    """
    headers = SandboxProvider().webhook_headers(body.encode(), event_id)
    response = requests.post(url, data=body.encode(), headers=headers, timeout=10)
    if response.status_code >= 500:
        response.raise_for_status()
    return response.status_code
