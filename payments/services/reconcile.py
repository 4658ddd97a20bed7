"""Asking the provider about payments we have not heard of: settle, capture, or expire.

Webhooks get lost and clients close the app before confirming. The periodic
job asks the provider about every payment still open after
`PAYMENTS_RECONCILE_AFTER_MINUTES` and settles what it finds; a payment still
unpaid past its deadline (`PAYMENTS_EXPIRE_MINUTES`) expires. Nothing is
expired without asking first: while the provider does not answer, the payment
stays pending and the next run asks again.
"""

from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from payments.models import (
    OPEN_STATUSES,
    PAID_STATUSES,
    EventSource,
    FailureCode,
    Payment,
    PaymentStatus,
)
from payments.providers import (
    AUTHORIZED,
    CAPTURED,
    ProviderError,
    ProviderUnavailable,
    get_provider,
)
from payments.services.lifecycle import (
    payment_capture_locked,
    payment_event_record,
    payment_expire_locked,
    payment_lock,
)
from payments.services.refunds import refund_submit, refunds_pending

RECHECKABLE = (*OPEN_STATUSES, PaymentStatus.FAILED, PaymentStatus.EXPIRED)


def payment_recheck(*, payment_id: int, now=None) -> Payment:
    """Ask the provider about one payment and act on the answer.

    Raises ProviderUnavailable when the provider does not answer.
    """
    now = now or timezone.now()
    payment = Payment.objects.get(pk=payment_id)
    mismatched = payment.failure_code in (
        FailureCode.AMOUNT_MISMATCH,
        FailureCode.CURRENCY_MISMATCH,
    )
    if payment.status not in RECHECKABLE or mismatched:
        return payment  # settled, or never to be captured: nothing to ask
    if not payment.provider_order_id:
        with transaction.atomic():
            return payment_expire_locked(payment_lock(payment.pk), now=now)
    provider = get_provider(payment.provider)
    try:
        attempts = provider.order_payments(order_id=payment.provider_order_id)
    except ProviderError as exc:
        if isinstance(exc, ProviderUnavailable):
            raise
        attempts = []  # the provider does not know the order: nothing was paid on it
    captured = next((a for a in attempts if a.status == CAPTURED), None)
    if captured is None:
        authorized = next(
            (a for a in attempts if a.status == AUTHORIZED and a.amount == payment.amount), None
        )
        if authorized is not None and payment.status in OPEN_STATUSES:
            # Money held but not taken (auto-capture off, or it timed out): take it.
            captured = provider.capture(
                payment_id=authorized.payment_id, amount=payment.amount, currency=payment.currency
            )
    with transaction.atomic():
        payment = payment_lock(payment.pk)
        payment_event_record(
            payment=payment,
            provider=provider.name,
            source=EventSource.CHECK,
            event_type="order.payments",
            payload={"items": [a.raw for a in attempts]},
            outcome=f"{len(attempts)} attempts",
        )
        payment.last_checked_at = now
        payment.save(update_fields=["last_checked_at", "updated_at"])
        if captured is not None and captured.status == CAPTURED:
            payment_capture_locked(payment, captured, via="reconciliation")
        else:
            payment_expire_locked(payment, now=now)
    return payment


def payments_to_reconcile(*, now=None):
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.PAYMENTS_RECONCILE_AFTER_MINUTES)
    return (
        Payment.objects.filter(status__in=OPEN_STATUSES)
        .filter(Q(created_at__lte=stale) | Q(expires_at__lte=now))
        .order_by("pk")
    )


def payments_reconcile(
    *,
    now=None,
    limit: int = 1000,
    progress: Callable[[Iterable, int], Iterable] = lambda items, total: items,
) -> dict:
    """Settle stale open payments and resend refunds left pending. Returns counts by outcome."""
    now = now or timezone.now()
    ids = list(payments_to_reconcile(now=now).values_list("pk", flat=True)[:limit])
    counts = {"checked": 0, "captured": 0, "expired": 0, "unavailable": 0, "refunds_sent": 0}
    for payment_id in progress(ids, len(ids)):
        try:
            payment = payment_recheck(payment_id=payment_id, now=now)
        except ProviderUnavailable:
            counts["unavailable"] += 1
            continue
        counts["checked"] += 1
        if payment.status in PAID_STATUSES:
            counts["captured"] += 1
        elif payment.status in (PaymentStatus.EXPIRED, PaymentStatus.FAILED):
            counts["expired"] += 1
    stale = now - timedelta(minutes=settings.PAYMENTS_RECONCILE_AFTER_MINUTES)
    for refund_id in refunds_pending(older_than=stale):
        refund_submit(refund_id=refund_id)
        counts["refunds_sent"] += 1
    return counts
