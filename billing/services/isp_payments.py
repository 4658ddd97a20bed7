"""Payments of subscribers: recorded with a receipt number, allocated oldest invoice first.

Cash is taken by a collector; bKash and Nagad payments carry the provider's
transaction id, which pays once whoever records it. What is left after every
open invoice is paid stays on the payment as credit for the next invoices.
Paying what was overdue lifts grace and a suspension for non-payment at once.
"""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.services import audit_record
from billing.models import (
    MFS_METHODS,
    IspPayment,
    IspPaymentMethod,
    IspReceiptSequence,
    IspSubscriber,
    Organization,
)
from billing.services.isp_invoicing import apply_credit, reactivate_if_settled
from billing.services.isp_packages import check_in_scope
from billing.services.isp_subscribers import lock_subscriber
from config.money import money

REFERENCE_USED = "A payment with this transaction id is recorded already."


def receipt_number_next(organization: Organization) -> str:
    """The organization's next receipt number: one row per organization, bumped under its lock."""
    if not IspReceiptSequence.objects.filter(organization=organization).exists():
        try:
            with transaction.atomic():
                IspReceiptSequence.objects.create(organization=organization)
        except IntegrityError:
            pass  # created by a concurrent payment meanwhile
    IspReceiptSequence.objects.filter(organization=organization).update(
        last_number=F("last_number") + 1
    )
    number = IspReceiptSequence.objects.get(organization=organization).last_number
    return f"{organization.company_code}-R{number:06d}"


def payment_record(
    *,
    subscriber: IspSubscriber,
    amount: Decimal,
    method: str,
    actor,
    reference: str = "",
    note: str = "",
    received_at: datetime | None = None,
) -> IspPayment:
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": ["Enter an amount above zero."]})
    reference = (reference or "").strip()
    if method in MFS_METHODS and not reference:
        raise ValidationError({"reference": ["Give the bKash/Nagad transaction id."]})
    if method == IspPaymentMethod.CASH:
        reference = ""
    if reference and IspPayment.objects.filter(method=method, reference=reference).exists():
        raise ValidationError({"reference": [REFERENCE_USED]})
    with transaction.atomic():
        # The subscriber's lock serialises its payments and its periods.
        subscriber = lock_subscriber(subscriber)
        check_in_scope(actor, subscriber.organization)
        organization = subscriber.organization
        try:
            with transaction.atomic():
                payment = IspPayment.objects.create(
                    organization=organization,
                    subscriber=subscriber,
                    amount=amount,
                    unallocated=amount,
                    method=method,
                    reference=reference,
                    receipt_number=receipt_number_next(organization),
                    collected_by=actor,
                    note=note[:255],
                    received_at=received_at or timezone.now(),
                )
        except IntegrityError as exc:  # the same transaction id recorded concurrently
            raise ValidationError({"reference": [REFERENCE_USED]}) from exc
        allocations = apply_credit(subscriber)
        payment.refresh_from_db(fields=["unallocated"])
        audit_record(
            action="billing.isp_payment_recorded",
            actor=actor,
            target=payment,
            after={
                "subscriber": subscriber.pk,
                "amount": str(amount),
                "method": method,
                "reference": reference,
                "receipt_number": payment.receipt_number,
                "allocations": [
                    {"invoice": a.invoice_id, "amount": str(a.amount)}
                    for a in allocations
                    if a.payment_id == payment.pk
                ],
                "unallocated": str(payment.unallocated),
            },
        )
        reactivate_if_settled(subscriber, actor=actor, reason=f"Paid ({payment.receipt_number})")
    return payment
