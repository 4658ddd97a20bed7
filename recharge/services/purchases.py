"""Buying: wallet top-ups and plan subscriptions, paid from the wallet or through a provider.

From the wallet, a purchase is paid and started in one transaction. Through
a provider (UPI, card, net banking) it is two steps: the POST opens a payment
and a pending transaction and moves nothing; when the provider captures the
money, `payments` calls the handlers at the bottom of this module, inside the
capture's transaction, and the wallet is credited or the plan started then,
exactly once.
"""

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from config.money import money
from payments.models import Payment, PaymentPurpose
from payments.services.lifecycle import payment_create
from payments.services.refunds import payment_refund
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
from recharge.services.fulfilment import fulfilment_open
from recharge.services.plans import user_plan_start
from recharge.services.pricing import Quote, offer_redeem, price_quote
from recharge.services.referrals import referral_after_paid_recharge
from recharge.services.wallet import wallet_credit, wallet_debit, wallet_get_or_create

# --- Top-up ---------------------------------------------------------------------


def wallet_topup(
    *,
    user: User,
    amount: Decimal,
    payment_method: str,
    phone_number: str = "",
    reference: uuid.UUID | None = None,
) -> Transaction:
    """Open a payment for `amount`; the wallet is credited when the provider captures it."""
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": ["Enter an amount above zero."]})
    if payment_method == PaymentMethod.WALLET:
        raise ValidationError({"payment_method": ["A wallet is not topped up from itself."]})
    with transaction.atomic():
        payment = payment_create(
            user=user,
            purpose=PaymentPurpose.WALLET_TOPUP,
            amount=amount,
            method=payment_method,
            reference=reference,
        )
        return Transaction.objects.create(
            reference=payment.reference,
            user=user,
            category=TxnCategory.WALLET,
            txn_type=TxnType.CREDIT,
            amount=amount,
            source=TxnSource.WALLET_TOPUP,
            status=TxnStatus.PENDING,
            payment_method=payment_method,
            phone_number=phone_number,
            gateway=payment.provider,
            payment=payment,
        )


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


def _after_payment(*, user: User, plan: Plan, txn: Transaction, mode: str, now) -> None:
    user_plan_start(
        user_id=user.pk, plan=plan, txn=txn, phone_number=txn.phone_number, mode=mode, now=now
    )
    fulfilment_open(txn=txn)
    if txn.amount > 0:
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
    fields = {
        "reference": reference or uuid.uuid4(),
        "user": user,
        "category": TxnCategory.SERVICE,
        "txn_type": TxnType.DEBIT,
        "source": source,
        "payment_method": payment_method,
        "service_type": plan.plan_type,
        "phone_number": phone_number,
        "plan": plan,
        "offer": offer,
        "activation_mode": activation_mode,
    }
    if payment_method == PaymentMethod.WALLET:
        return _subscribe_from_wallet(user=user, plan=plan, offer=offer, fields=fields)
    return _subscribe_through_provider(user=user, plan=plan, offer=offer, fields=fields)


def _subscribe_from_wallet(*, user, plan, offer, fields) -> Transaction:
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
        _after_payment(user=user, plan=plan, txn=txn, mode=fields["activation_mode"], now=now)
    return txn


def _subscribe_through_provider(*, user, plan, offer, fields) -> Transaction:
    quote = price_quote(user_id=user.pk, plan=plan, offer=offer, now=timezone.now())
    if quote.amount == 0:
        # Nothing to collect: the offer covers it all, as from the wallet.
        return _subscribe_from_wallet(user=user, plan=plan, offer=offer, fields=fields)
    with transaction.atomic():
        payment = payment_create(
            user=user,
            purpose=PaymentPurpose.RECHARGE,
            amount=quote.amount,
            method=fields["payment_method"],
            reference=fields["reference"],
        )
        return Transaction.objects.create(
            **fields,
            amount=quote.amount,
            gross_amount=quote.price,
            discount_amount=quote.discount,
            status=TxnStatus.PENDING,
            gateway=payment.provider,
            payment=payment,
        )


# --- When the provider has spoken -------------------------------------------------


def _paid_transaction(payment: Payment) -> Transaction | None:
    """The purchase a captured payment pays for, locked; None when it was settled already."""
    txn = (
        Transaction.objects.select_for_update(of=("self",))
        .select_related("user", "plan", "offer")
        .get(payment=payment)
    )
    if txn.status not in (TxnStatus.PENDING, TxnStatus.FAILED):
        return None
    txn.status = TxnStatus.SUCCESS
    txn.gateway_reference = payment.provider_payment_id
    txn.failure_reason = ""
    txn.save(update_fields=["status", "gateway_reference", "failure_reason", "updated_at"])
    return txn


class TopupPurchase:
    """A captured top-up credits the wallet with what was captured."""

    def captured(self, payment: Payment) -> None:
        txn = _paid_transaction(payment)
        if txn is None:
            return
        wallet_credit(
            user_id=txn.user_id,
            amount=payment.amount,
            txn=txn,
            description="Wallet top-up",
            audit_action="recharge.wallet_topped_up",
            audit_details={
                "payment": str(payment.reference),
                "provider": payment.provider,
                "payment_method": txn.payment_method,
            },
        )

    def closed(self, payment: Payment) -> None:
        _purchase_closed(payment)


class RechargePurchase:
    """A captured recharge starts the plan, unless it can no longer be sold: then it refunds."""

    def captured(self, payment: Payment) -> None:
        txn = _paid_transaction(payment)
        if txn is None:
            return
        now = timezone.now()
        problem = self._problem(txn, now=now)
        if problem:
            txn.status = TxnStatus.FAILED
            txn.failure_reason = f"{problem} The payment is refunded."[:255]
            txn.save(update_fields=["status", "failure_reason", "updated_at"])
            payment_refund(payment_id=payment.pk, reason=problem, key="unfulfillable")
            audit_record(
                action="recharge.purchase_refunded",
                target=txn,
                after={"payment": str(payment.reference), "reason": problem},
            )
            return
        audit_record(
            action="recharge.subscribed",
            actor=txn.user,
            target=txn,
            after={
                "plan_id": txn.plan_id,
                "offer_id": txn.offer_id,
                "price": str(txn.gross_amount),
                "discount": str(txn.discount_amount),
                "payment": str(payment.reference),
                "provider": payment.provider,
            },
        )
        _after_payment(
            user=txn.user,
            plan=txn.plan,
            txn=txn,
            mode=txn.activation_mode or "activate",
            now=now,
        )

    @staticmethod
    def _problem(txn: Transaction, *, now) -> str:
        """Why the paid plan cannot be started now at the price paid, or ''."""
        if txn.plan.status != CatalogStatus.ACTIVE:
            return "The plan was withdrawn before the payment arrived."
        if txn.offer is None:
            return ""
        _lock_buyer(txn.user_id)
        try:
            quote = price_quote(user_id=txn.user_id, plan=txn.plan, offer=txn.offer, now=now)
            if quote.amount != txn.amount:
                return "The price changed before the payment arrived."
            offer_redeem(offer=txn.offer, user_id=txn.user_id, txn=txn, discount=quote.discount)
        except ValidationError as exc:
            return " ".join(exc.messages)
        return ""

    def closed(self, payment: Payment) -> None:
        _purchase_closed(payment)


def _purchase_closed(payment: Payment) -> None:
    """The payment failed or expired: the purchase waiting for it fails too."""
    Transaction.objects.filter(payment=payment, status=TxnStatus.PENDING).update(
        status=TxnStatus.FAILED,
        failure_reason=(payment.failure_reason or "The payment did not complete.")[:255],
        updated_at=timezone.now(),
    )
