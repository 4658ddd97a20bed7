"""What providers and clients tell us about a payment: signed webhooks, and Checkout's confirmation.

Both are safe to repeat and to interleave. A webhook's event id is recorded
first, under a unique constraint, so a redelivered event is acknowledged and
ignored; the payment row is then locked, so whichever of webhook and
confirmation comes second finds the payment settled.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from rest_framework.exceptions import NotFound, ValidationError

from accounts.services.security import security_payment_tampering
from audit.context import current as current_request
from payments.errors import BadSignature, ProviderNotAnswering
from payments.models import PAID_STATUSES, EventSource, Payment
from payments.providers import (
    AUTHORIZED,
    CAPTURED,
    FAILED,
    InvalidSignature,
    MalformedEvent,
    ProviderError,
    ProviderPayment,
    ProviderUnavailable,
    WebhookEvent,
    get_provider,
)
from payments.services.lifecycle import (
    payment_capture_locked,
    payment_event_record,
    payment_fail_locked,
    payment_lock,
)
from payments.services.refunds import refund_settle_from_provider

CAPTURE_EVENTS = {"payment.captured", "order.paid"}
FAIL_EVENTS = {"payment.failed"}
REFUND_EVENTS = {"refund.processed", "refund.failed"}


@dataclass(frozen=True)
class WebhookOutcome:
    duplicate: bool
    outcome: str


def _provider(name: str):
    try:
        return get_provider(name)
    except KeyError:
        raise NotFound("No such payment provider.") from None


def webhook_receive(*, provider_name: str, body: bytes, headers) -> WebhookOutcome:
    """Verify, record once, and act on one webhook delivery."""
    provider = _provider(provider_name)
    try:
        provider.verify_webhook(body=body, headers=headers)
    except InvalidSignature:
        raise BadSignature("The webhook signature does not verify.") from None
    try:
        event = provider.parse_webhook(body=body, headers=headers)
    except MalformedEvent as exc:
        raise ValidationError({"payload": [f"Not a webhook event: {exc}."]}) from None
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = payment_event_record(
                    payment=None,
                    provider=provider.name,
                    source=EventSource.WEBHOOK,
                    event_id=event.event_id,
                    event_type=event.event_type,
                    payload=event.raw,
                )
        except IntegrityError:
            return WebhookOutcome(duplicate=True, outcome="already received")
        payment_id = _payment_id(provider.name, event)
        outcome = _act(provider.name, event, payment_id)
        record.outcome = outcome[:255]
        record.payment_id = payment_id
        record.save(update_fields=["outcome", "payment"])
    return WebhookOutcome(duplicate=False, outcome=outcome)


def _payment_id(provider_name: str, event: WebhookEvent) -> int | None:
    if not event.order_id:
        return None
    return (
        Payment.objects.filter(provider=provider_name, provider_order_id=event.order_id)
        .values_list("pk", flat=True)
        .first()
    )


def _act(provider_name: str, event: WebhookEvent, payment_id: int | None) -> str:
    if event.event_type in REFUND_EVENTS:
        return refund_settle_from_provider(
            provider=provider_name,
            refund_id=event.refund_id,
            failed=event.event_type == "refund.failed",
        )
    if payment_id is None:
        return "no payment of ours has this order"
    payment = payment_lock(payment_id)
    seen = event.payment
    if event.event_type in CAPTURE_EVENTS and seen is not None and seen.status == CAPTURED:
        payment_capture_locked(payment, seen, via="webhook")
    elif event.event_type in FAIL_EVENTS and seen is not None:
        payment_fail_locked(payment, reason=seen.error, via="webhook")
    else:
        return f"recorded; {event.event_type} needs no action"
    return f"payment {payment.status}"


def _refuse_signature(field: str) -> ValidationError:
    return ValidationError({field: ["The payment signature does not verify."]})


def payment_confirm(*, user, order_id: str, payment_id: str, signature: str) -> Payment:
    """The client's word, after Checkout, that it paid: verified, then checked with the provider."""
    payment = Payment.objects.filter(user=user, provider_order_id=order_id).first()
    if payment is None:
        raise NotFound("No payment of yours has this order.")
    provider = get_provider(payment.provider)
    try:
        provider.verify_confirmation(order_id=order_id, payment_id=payment_id, signature=signature)
    except InvalidSignature:
        raise _refuse_signature("razorpay_signature") from None
    if payment.status in PAID_STATUSES and payment.provider_payment_id == payment_id:
        return payment
    # The signature says Checkout finished; only the provider says how much was taken.
    try:
        seen = provider.fetch_payment(payment_id=payment_id)
        if seen.status == AUTHORIZED and seen.amount == payment.amount:
            seen = provider.capture(
                payment_id=payment_id, amount=payment.amount, currency=payment.currency
            )
    except ProviderUnavailable:
        raise ProviderNotAnswering(
            "The payment provider is not answering; the payment will settle when it does."
        ) from None
    except ProviderError:
        raise ValidationError(
            {"razorpay_payment_id": ["The provider knows no such payment."]}
        ) from None
    if seen.order_id != order_id:
        security_payment_tampering(
            user=user,
            ip=current_request().ip,
            details={
                "payment": str(payment.reference),
                "reason": "order_mismatch",
                "provider_payment_id": payment_id,
            },
        )
        raise ValidationError({"razorpay_payment_id": ["This payment belongs to another order."]})
    return _settle(payment.pk, seen, provider=provider.name, source=EventSource.CONFIRM)


def _settle(payment_pk: int, seen: ProviderPayment, *, provider: str, source: str) -> Payment:
    with transaction.atomic():
        payment = payment_lock(payment_pk)
        payment_event_record(
            payment=payment,
            provider=provider,
            source=source,
            event_type=f"payment.{seen.status}",
            payload=seen.raw,
        )
        if seen.status == CAPTURED:
            payment_capture_locked(payment, seen, via=source)
        elif seen.status == FAILED:
            payment_fail_locked(payment, reason=seen.error, via=source)
    return payment
