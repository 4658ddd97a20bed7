"""Refunds of captured payments: asked for once per cause, sent to the provider after commit.

`payment_refund` is the one way money goes back, for staff (API and admin)
and for the automatic refund of a purchase that could not be delivered. It
counts the refund against the payment at once, under the payment's lock, so
refunds never exceed what was captured; the provider is called by a task
after the commit, and a refund whose outcome is unknown is retried with a
look at the provider's books first, so it is never paid twice.
"""

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.services import audit_record
from config.money import money
from config.tasks import enqueue_on_commit
from payments.errors import RefundRefused
from payments.models import EventSource, PaymentStatus, Refund, RefundStatus
from payments.providers import ProviderError, ProviderUnavailable, get_provider
from payments.services.lifecycle import payment_event_record, payment_lock, payment_transition

logger = logging.getLogger(__name__)


def payment_refund(
    *,
    payment_id: int,
    reason: str,
    key: str,
    amount: Decimal | None = None,
    actor=None,
) -> Refund:
    """Refund `amount` (all that is left by default) of a captured payment, once per `key`."""
    with transaction.atomic():
        payment = payment_lock(payment_id)
        existing = Refund.objects.filter(payment=payment, key=key).first()
        if existing is not None:
            return existing
        if payment.status not in (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED):
            raise RefundRefused(f"A {payment.status} payment has nothing to refund.")
        amount = money(payment.refundable if amount is None else amount)
        if amount <= 0 or amount > payment.refundable:
            raise ValidationError(
                {"amount": [f"Enter an amount above zero and at most {payment.refundable}."]}
            )
        refund = Refund.objects.create(
            payment=payment, amount=amount, key=key[:100], reason=reason[:255], requested_by=actor
        )
        refunded = payment.amount_refunded + amount
        payment_transition(
            payment,
            PaymentStatus.REFUNDED
            if refunded == payment.amount
            else PaymentStatus.PARTIALLY_REFUNDED,
            actor=actor,
            via="refund",
            amount_refunded=refunded,
        )
        audit_record(
            action="payments.refund_requested",
            actor=actor,
            target=refund,
            after={
                "payment": str(payment.reference),
                "amount": str(amount),
                "reason": reason,
                "key": key,
            },
        )
        enqueue_on_commit("payments.tasks.refund_submit", refund.pk)
    return refund


def refund_submit(*, refund_id: int) -> Refund:
    """Send a pending refund to the provider and record its answer."""
    claimed = Refund.objects.filter(pk=refund_id, status=RefundStatus.PENDING).update(
        attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if not claimed or refund.provider_refund_id:
        return refund
    payment = refund.payment
    provider = get_provider(payment.provider)
    try:
        answer = provider.refund(
            payment_id=payment.provider_payment_id,
            amount=refund.amount,
            receipt=str(refund.reference),
            retry=refund.attempts > 1,
        )
    except ProviderUnavailable:
        logger.warning("Refund %s: the provider is not answering; it will be retried.", refund.pk)
        return refund
    except ProviderError as exc:
        return _refund_close(refund.pk, failed=True, reason=str(exc))
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        payment_event_record(
            payment=payment,
            provider=provider.name,
            source=EventSource.REFUND,
            event_type="refund.created",
            payload=answer.raw,
        )
        refund.provider_refund_id = answer.refund_id
        refund.save(update_fields=["provider_refund_id", "updated_at"])
    if answer.processed or answer.failed:
        return _refund_close(refund.pk, failed=answer.failed, reason="declined by the provider")
    return refund


def _refund_close(refund_id: int, *, failed: bool, reason: str = "") -> Refund:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status != RefundStatus.PENDING:
            return refund
        refund.status = RefundStatus.FAILED if failed else RefundStatus.PROCESSED
        refund.failure_reason = reason[:255] if failed else ""
        refund.save(update_fields=["status", "failure_reason", "updated_at"])
        audit_record(
            action="payments.refund_failed" if failed else "payments.refund_processed",
            target=refund,
            before={"status": RefundStatus.PENDING},
            after={"status": refund.status, "amount": str(refund.amount), "reason": reason},
        )
        if failed:
            logger.error("Refund %s failed at the provider; it needs staff.", refund.pk)
    return refund


def refund_settle_from_provider(*, provider: str, refund_id: str, failed: bool) -> str:
    """A provider's refund webhook: close the refund it names."""
    refund = Refund.objects.filter(payment__provider=provider, provider_refund_id=refund_id).first()
    if refund is None:
        return "no refund of ours has this id"
    closed = _refund_close(refund.pk, failed=failed, reason="reported failed by the provider")
    return f"refund {closed.status}"


def refund_retry(*, refund_id: int, actor) -> Refund:
    """Send a failed refund again (staff, after fixing what made it fail)."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status != RefundStatus.FAILED:
            raise RefundRefused("Only a failed refund is sent again.")
        refund.status, refund.failure_reason, refund.provider_refund_id = (
            RefundStatus.PENDING,
            "",
            "",
        )
        refund.save(update_fields=["status", "failure_reason", "provider_refund_id", "updated_at"])
        audit_record(
            action="payments.refund_retried",
            actor=actor,
            target=refund,
            before={"status": RefundStatus.FAILED},
            after={"status": RefundStatus.PENDING},
        )
        enqueue_on_commit("payments.tasks.refund_submit", refund.pk)
    return refund


def refunds_pending(*, older_than) -> list[int]:
    """Refunds still waiting for the provider (a lost task, an unanswered call)."""
    return list(
        Refund.objects.filter(status=RefundStatus.PENDING, updated_at__lte=older_than)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
