"""Buying: wallet top-ups and plan subscriptions, paid from the wallet or through a gateway."""

import logging
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from config.exceptions import ServiceUnavailable
from recharge.errors import PaymentDeclined
from recharge.gateways import ChargeResult, GatewayUnavailable, PaymentGateway, get_gateway
from recharge.models import (
    CatalogStatus,
    Offer,
    PaymentMethod,
    Plan,
    Transaction,
    TxnCategory,
    TxnSource,
    TxnStatus,
    TxnType,
    Wallet,
)
from recharge.money import money
from recharge.services.plans import user_plan_start
from recharge.services.pricing import Quote, offer_redeem, price_quote
from recharge.services.referrals import referral_after_paid_recharge
from recharge.services.wallet import wallet_credit, wallet_debit, wallet_get_or_create

logger = logging.getLogger(__name__)


def _gateway_charge(
    gateway: PaymentGateway, *, amount: Decimal, payment_method: str, reference, user_id: int
) -> ChargeResult:
    try:
        return gateway.charge(
            amount=amount, payment_method=payment_method, reference=str(reference), user_id=user_id
        )
    except GatewayUnavailable as exc:
        raise ServiceUnavailable(
            "The payment provider is not answering; nothing was charged. Try again."
        ) from exc


def _gateway_refund(gateway: PaymentGateway, *, amount, reference, result: ChargeResult) -> None:
    """Give back a charge whose purchase could not be completed."""
    try:
        gateway.refund(
            amount=amount, reference=str(reference), gateway_reference=result.gateway_reference
        )
    except Exception:
        logger.exception("Refund of payment %s failed; it needs a manual refund.", reference)


def _record_declined(*, txn_fields: dict, gateway: PaymentGateway, result: ChargeResult, actor):
    with transaction.atomic():
        txn = Transaction.objects.create(
            **txn_fields,
            status=TxnStatus.FAILED,
            gateway=gateway.name,
            gateway_reference=result.gateway_reference,
            failure_reason=(result.message or "declined")[:255],
        )
        audit_record(
            action="recharge.payment_declined",
            actor=actor,
            target=txn,
            after={"txn_id": txn.pk, "amount": str(txn.amount), "source": txn.source},
        )
    raise PaymentDeclined(f"The payment was declined: {result.message or 'no reason given'}.")


# --- Top-up ---------------------------------------------------------------------


def wallet_topup(
    *,
    user: User,
    amount: Decimal,
    payment_method: str,
    phone_number: str = "",
    reference: uuid.UUID | None = None,
) -> Transaction:
    """Charge the gateway, then credit the wallet with the amount, in one transaction."""
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": ["Enter an amount above zero."]})
    if payment_method == PaymentMethod.WALLET:
        raise ValidationError({"payment_method": ["A wallet is not topped up from itself."]})
    reference = reference or uuid.uuid4()
    gateway = get_gateway()
    fields = {
        "reference": reference,
        "user": user,
        "category": TxnCategory.WALLET,
        "txn_type": TxnType.CREDIT,
        "amount": amount,
        "source": TxnSource.WALLET_TOPUP,
        "payment_method": payment_method,
        "phone_number": phone_number,
    }
    result = _gateway_charge(
        gateway, amount=amount, payment_method=payment_method, reference=reference, user_id=user.pk
    )
    if not result.approved:
        _record_declined(txn_fields=fields, gateway=gateway, result=result, actor=user)
    try:
        with transaction.atomic():
            txn = Transaction.objects.create(
                **fields,
                status=TxnStatus.SUCCESS,
                gateway=gateway.name,
                gateway_reference=result.gateway_reference,
            )
            wallet_credit(
                user_id=user.pk,
                amount=amount,
                txn=txn,
                actor=user,
                description="Wallet top-up",
                audit_action="recharge.wallet_topped_up",
                audit_details={"payment_method": payment_method, "gateway": gateway.name},
            )
    except Exception:
        _gateway_refund(gateway, amount=amount, reference=reference, result=result)
        raise
    return txn


# --- Subscribe ------------------------------------------------------------------


def plan_for_sale(plan_id: int) -> Plan:
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None or plan.status != CatalogStatus.ACTIVE:
        raise ValidationError({"plan_id": ["This plan is not available."]})
    return plan


def _offer(offer_id: int | None) -> Offer | None:
    if offer_id is None:
        return None
    offer = Offer.objects.filter(pk=offer_id).first()
    if offer is None:
        raise ValidationError({"offer_id": ["No such offer."]})
    return offer


def _lock_buyer(user_id: int) -> None:
    """Serialise one user's purchases, so per-user offer criteria hold under concurrency."""
    wallet_get_or_create(user_id=user_id)
    Wallet.objects.select_for_update().filter(user_id=user_id).values_list("pk").first()


def _after_payment(*, user: User, plan: Plan, quote: Quote, txn: Transaction, mode: str, now):
    user_plan_start(
        user_id=user.pk, plan=plan, txn=txn, phone_number=txn.phone_number, mode=mode, now=now
    )
    if quote.amount > 0:
        referral_after_paid_recharge(referee=user)


def _audit_details(plan: Plan, offer: Offer | None, quote: Quote) -> dict:
    return {
        "plan_id": plan.pk,
        "offer_id": offer.pk if offer else None,
        "price": str(quote.price),
        "discount": str(quote.discount),
    }


def recharge_subscribe(
    *,
    user: User,
    plan_id: int,
    phone_number: str,
    payment_method: str = PaymentMethod.WALLET,
    offer_id: int | None = None,
    activation_mode: str = "activate",
    source: str = TxnSource.RECHARGE,
    reference: uuid.UUID | None = None,
) -> Transaction:
    """Buy a plan for a number: price it, apply the offer, pay, and start the user's plan."""
    plan = plan_for_sale(plan_id)
    offer = _offer(offer_id)
    reference = reference or uuid.uuid4()
    fields = {
        "reference": reference,
        "user": user,
        "category": TxnCategory.SERVICE,
        "txn_type": TxnType.DEBIT,
        "source": source,
        "payment_method": payment_method,
        "service_type": plan.plan_type,
        "phone_number": phone_number,
        "plan": plan,
        "offer": offer,
    }
    if payment_method == PaymentMethod.WALLET:
        return _subscribe_from_wallet(
            user=user, plan=plan, offer=offer, fields=fields, activation_mode=activation_mode
        )
    return _subscribe_through_gateway(
        user=user, plan=plan, offer=offer, fields=fields, activation_mode=activation_mode
    )


def _subscribe_from_wallet(*, user, plan, offer, fields, activation_mode) -> Transaction:
    # Row locks (buyer, offer, wallet) come before the audit event: see services.wallet.
    with transaction.atomic():
        now = timezone.now()
        if offer is not None:
            _lock_buyer(user.pk)
        quote = price_quote(user_id=user.pk, plan=plan, offer=offer, now=now)
        txn = Transaction.objects.create(
            **fields,
            amount=quote.amount,
            gross_amount=quote.price,
            discount_amount=quote.discount,
            status=TxnStatus.SUCCESS,
        )
        if offer is not None:
            offer_redeem(offer=offer, user_id=user.pk, txn=txn, discount=quote.discount)
        details = _audit_details(plan, offer, quote)
        if quote.amount > 0:
            wallet_debit(
                user_id=user.pk,
                amount=quote.amount,
                txn=txn,
                actor=user,
                description=f"Plan {plan.pk}",
                audit_action="recharge.subscribed",
                audit_details=details,
            )
        else:
            audit_record(action="recharge.subscribed", actor=user, target=txn, after=details)
        _after_payment(user=user, plan=plan, quote=quote, txn=txn, mode=activation_mode, now=now)
    return txn


def _subscribe_through_gateway(*, user, plan, offer, fields, activation_mode) -> Transaction:
    gateway = get_gateway()
    quote = price_quote(user_id=user.pk, plan=plan, offer=offer, now=timezone.now())
    result = None
    if quote.amount > 0:
        result = _gateway_charge(
            gateway,
            amount=quote.amount,
            payment_method=fields["payment_method"],
            reference=fields["reference"],
            user_id=user.pk,
        )
        if not result.approved:
            _record_declined(
                txn_fields={
                    **fields,
                    "amount": quote.amount,
                    "gross_amount": quote.price,
                    "discount_amount": quote.discount,
                },
                gateway=gateway,
                result=result,
                actor=user,
            )
    try:
        with transaction.atomic():
            now = timezone.now()
            if offer is not None:
                _lock_buyer(user.pk)
                # The offer was checked before paying; under the lock it is checked again.
                final = price_quote(user_id=user.pk, plan=plan, offer=offer, now=now)
                if final != quote:
                    raise ValidationError({"offer_id": ["The offer changed meanwhile; try again."]})
            txn = Transaction.objects.create(
                **fields,
                amount=quote.amount,
                gross_amount=quote.price,
                discount_amount=quote.discount,
                status=TxnStatus.SUCCESS,
                gateway=gateway.name if result else "",
                gateway_reference=result.gateway_reference if result else "",
            )
            if offer is not None:
                offer_redeem(offer=offer, user_id=user.pk, txn=txn, discount=quote.discount)
            audit_record(
                action="recharge.subscribed",
                actor=user,
                target=txn,
                after={**_audit_details(plan, offer, quote), "gateway": gateway.name},
            )
            _after_payment(
                user=user, plan=plan, quote=quote, txn=txn, mode=activation_mode, now=now
            )
    except Exception:
        if result is not None:
            _gateway_refund(
                gateway, amount=quote.amount, reference=fields["reference"], result=result
            )
        raise
    return txn
