"""A payment's life: created, pending at the provider, then captured, failed or expired.

Each move is one function that locks the payment row, checks the move is in
`models.TRANSITIONS`, saves, and writes its audit event in the same
transaction. A capture tells the purpose's handler (which credits a wallet or
starts a plan) inside that transaction, so the money is delivered exactly
once: whoever comes second (the webhook or the client's confirmation, a
redelivery, the reconciliation job) finds the payment captured and does nothing.
"""

import logging
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.services.security import security_payment_tampering
from audit.context import current as current_request
from audit.services import audit_record
from config.money import money
from payments.errors import IllegalTransition, ProviderNotAnswering
from payments.models import (
    OPEN_STATUSES,
    PAID_STATUSES,
    TRANSITIONS,
    EventSource,
    FailureCode,
    Payment,
    PaymentEvent,
    PaymentStatus,
)
from payments.providers import ProviderError, ProviderPayment, get_provider
from payments.purposes import handler_for

logger = logging.getLogger(__name__)


def expiry() -> timedelta:
    return timedelta(minutes=settings.PAYMENTS_EXPIRE_MINUTES)


def payment_event_record(
    *,
    payment: Payment | None,
    provider: str,
    source: str,
    payload: dict,
    event_id: str = "",
    event_type: str = "",
    outcome: str = "",
) -> PaymentEvent:
    return PaymentEvent.objects.create(
        payment=payment,
        provider=provider,
        source=source,
        event_id=event_id,
        event_type=event_type,
        payload=payload,
        outcome=outcome[:255],
    )


def payment_transition(payment: Payment, to: str, *, actor=None, via: str = "", **fields) -> None:
    """Move a locked payment to `to`, or refuse; save and audit in the caller's transaction."""
    if to not in TRANSITIONS[payment.status]:
        raise IllegalTransition(f"A {payment.status} payment cannot become {to}.")
    before = payment.status
    payment.status = to
    for name, value in fields.items():
        setattr(payment, name, value)
    payment.save(update_fields=["status", *fields, "updated_at"])
    audit_record(
        action=f"payments.payment_{to}",
        actor=actor,
        target=payment,
        before={"status": before},
        after={
            "status": to,
            "reference": str(payment.reference),
            "amount": str(payment.amount),
            "currency": payment.currency,
            "provider": payment.provider,
            "via": via,
            **{name: str(value) for name, value in fields.items() if value is not None},
        },
    )


def payment_lock(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_id)


def payment_create(
    *,
    user,
    purpose: str,
    amount: Decimal,
    method: str = "",
    reference: uuid.UUID | None = None,
) -> Payment:
    """Open an order at the provider for `amount` and leave the payment pending.

    Raises ProviderNotAnswering (503), with nothing kept, when the provider
    cannot take the order. Call inside the purchase's transaction: the
    purchase and its payment are kept or dropped together.
    """
    provider = get_provider()
    with transaction.atomic():
        payment = Payment.objects.create(
            reference=reference or uuid.uuid4(),
            user=user,
            purpose=purpose,
            provider=provider.name,
            method=method,
            amount=money(amount),
            currency=settings.PAYMENTS_CURRENCY,
            expires_at=timezone.now() + expiry(),
        )
        audit_record(
            action="payments.payment_created",
            actor=user,
            target=payment,
            after={
                "reference": str(payment.reference),
                "purpose": purpose,
                "amount": str(payment.amount),
                "currency": payment.currency,
                "provider": provider.name,
            },
        )
        try:
            order = provider.create_order(
                reference=str(payment.reference),
                amount=payment.amount,
                currency=payment.currency,
                notes={"purpose": purpose, "reference": str(payment.reference)},
            )
        except ProviderError as exc:
            # Nothing was promised to the customer yet: the whole purchase rolls back.
            logger.warning("Provider %s refused an order: %s", provider.name, exc)
            raise ProviderNotAnswering() from exc
        payment_event_record(
            payment=payment, provider=provider.name, source=EventSource.ORDER, payload=order.raw
        )
        payment_transition(
            payment, PaymentStatus.PENDING, actor=user, provider_order_id=order.order_id
        )
    return payment


def _closed_by(payment: Payment) -> None:
    handler_for(payment.purpose).closed(payment)


def _mismatch(payment: Payment, seen: ProviderPayment, code: str, *, via: str) -> Payment:
    """The provider captured something other than what was ordered: fail, move nothing, alert."""
    what = "currency" if code == FailureCode.CURRENCY_MISMATCH else "amount"
    reason = (
        f"Captured {seen.amount} {seen.currency} against an order of "
        f"{payment.amount} {payment.currency} ({what} differs)."
    )
    details = {
        "payment": str(payment.reference),
        "reason": code,
        "ordered": f"{payment.amount} {payment.currency}",
        "captured": f"{seen.amount} {seen.currency}",
        "provider_payment_id": seen.payment_id,
        "via": via,
    }
    security_payment_tampering(user=payment.user, ip=current_request().ip, details=details)
    if payment.status in OPEN_STATUSES:
        payment_transition(
            payment,
            PaymentStatus.FAILED,
            via=via,
            failure_code=code,
            failure_reason=reason,
            closed_at=timezone.now(),
        )
        _closed_by(payment)
    else:
        # Closed already (failed or expired): it stays so, and can no longer be captured.
        payment.failure_code, payment.failure_reason = code, reason
        payment.save(update_fields=["failure_code", "failure_reason", "updated_at"])
        audit_record(action="payments.payment_mismatch", target=payment, after=details)
    return payment


def payment_capture_locked(payment: Payment, seen: ProviderPayment, *, via: str) -> Payment:
    """Record a capture reported by the provider, on a payment the caller has locked."""
    if payment.status in PAID_STATUSES:
        if seen.payment_id != payment.provider_payment_id:
            # A second payment on one order: it is not ours to keep; staff refund it.
            audit_record(
                action="payments.duplicate_capture",
                target=payment,
                after={"provider_payment_id": seen.payment_id, "amount": str(seen.amount)},
            )
            logger.warning("A second capture arrived for payment %s.", payment.reference)
        return payment
    if payment.failure_code in (FailureCode.AMOUNT_MISMATCH, FailureCode.CURRENCY_MISMATCH):
        return payment
    if seen.currency.upper() != payment.currency.upper():
        return _mismatch(payment, seen, FailureCode.CURRENCY_MISMATCH, via=via)
    if money(seen.amount) != payment.amount:
        return _mismatch(payment, seen, FailureCode.AMOUNT_MISMATCH, via=via)
    payment_transition(
        payment,
        PaymentStatus.CAPTURED,
        via=via,
        provider_payment_id=seen.payment_id,
        captured_at=timezone.now(),
        failure_code="",
        failure_reason="",
    )
    handler_for(payment.purpose).captured(payment)
    return payment


def payment_fail_locked(payment: Payment, *, reason: str, via: str, actor=None) -> Payment:
    """The provider reports a failed attempt: an open payment fails; any other stays as it is."""
    if payment.status not in OPEN_STATUSES:
        return payment
    payment_transition(
        payment,
        PaymentStatus.FAILED,
        actor=actor,
        via=via,
        failure_code=FailureCode.DECLINED,
        failure_reason=(reason or "The payment failed at the provider.")[:255],
        closed_at=timezone.now(),
    )
    _closed_by(payment)
    return payment


def payment_expire_locked(payment: Payment, *, now=None) -> Payment:
    """Close a payment left unpaid past its deadline (the caller asked the provider first)."""
    now = now or timezone.now()
    if payment.status not in OPEN_STATUSES or payment.expires_at > now:
        return payment
    if payment.status == PaymentStatus.CREATED:
        # An order the provider never confirmed: nothing can be paid on it.
        payment_transition(
            payment,
            PaymentStatus.FAILED,
            via="expiry",
            failure_reason="No order was opened at the provider.",
            closed_at=now,
        )
    else:
        payment_transition(
            payment,
            PaymentStatus.EXPIRED,
            via="expiry",
            failure_reason="Not paid in time.",
            closed_at=now,
        )
    _closed_by(payment)
    return payment
