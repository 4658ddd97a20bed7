"""A provider that needs no account: Razorpay's shapes and signatures, with local books.

It is what runs when no Razorpay keys are set. Like the real one, a payment
is pending until someone pays: the checkout page at `checkout_url` has a pay
and a fail button; pressing one records the attempt here (`SandboxOrder`)
and delivers a webhook, signed with a local secret in Razorpay's format, to
`/api/v1/payments/webhooks/sandbox`, the same view the real webhooks reach.
The page also shows the `razorpay_*` fields a Checkout handler would get, so
the client's confirm call can be tried too.
"""

import hmac
import json
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from hashlib import sha256

import razorpay
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from payments.models import SandboxOrder, SandboxOrderStatus, SandboxPayment
from payments.providers import (
    ProviderError,
    ProviderOrder,
    ProviderPayment,
    ProviderRefund,
    to_minor,
)
from payments.providers.razorpay import RazorpayProvider, provider_payment

KEY_ID = "rzp_test_sandbox"


@dataclass(frozen=True)
class SandboxAttempt:
    """One press of a checkout button: the webhook to deliver and what Checkout would return."""

    order_id: str
    payment_id: str
    captured: bool
    webhook_body: bytes
    webhook_headers: dict
    confirmation: dict  # razorpay_order_id, razorpay_payment_id, razorpay_signature


def _sign(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), sha256).hexdigest()


class SandboxProvider(RazorpayProvider):
    name = "sandbox"

    def __init__(self) -> None:
        # The SDK's client does the signature checks; it never reaches the network here.
        self.key_id = KEY_ID
        self.key_secret = settings.PAYMENTS_SANDBOX_KEY_SECRET
        self.webhook_secret = settings.PAYMENTS_SANDBOX_WEBHOOK_SECRET
        self.timeout = settings.PAYMENTS_PROVIDER_TIMEOUT
        self.client = razorpay.Client(auth=(self.key_id, self.key_secret))

    def create_order(
        self, *, reference: str, amount: Decimal, currency: str, notes: dict
    ) -> ProviderOrder:
        order = SandboxOrder.objects.create(
            order_id=f"order_sbx_{secrets.token_hex(8)}",
            receipt=reference[:40],
            amount_minor=to_minor(amount),
            currency=currency,
        )
        return ProviderOrder(
            order_id=order.order_id,
            raw={
                "id": order.order_id,
                "entity": "order",
                "amount": order.amount_minor,
                "currency": currency,
                "receipt": order.receipt,
                "status": "created",
            },
        )

    def checkout(self, *, order_id: str, request=None) -> dict:
        path = reverse("payments:sandbox-checkout", kwargs={"order_id": order_id})
        url = request.build_absolute_uri(path) if request is not None else path
        return {"key_id": self.key_id, "order_id": order_id, "checkout_url": url}

    def _order(self, order_id: str) -> SandboxOrder:
        order = SandboxOrder.objects.filter(order_id=order_id).first()
        if order is None:
            raise ProviderError("The id provided does not exist")
        return order

    def fetch_payment(self, *, payment_id: str) -> ProviderPayment:
        attempt = SandboxPayment.objects.filter(payment_id=payment_id).first()
        if attempt is None:
            raise ProviderError("The id provided does not exist")
        return provider_payment(attempt.entity)

    def order_payments(self, *, order_id: str) -> list[ProviderPayment]:
        return [provider_payment(a.entity) for a in self._order(order_id).attempts.all()]

    def capture(self, *, payment_id: str, amount: Decimal, currency: str) -> ProviderPayment:
        # Sandbox orders capture automatically, as orders with payment_capture=1 do.
        return self.fetch_payment(payment_id=payment_id)

    def refund(
        self, *, payment_id: str, amount: Decimal, receipt: str, retry: bool
    ) -> ProviderRefund:
        with transaction.atomic():
            attempt = (
                SandboxPayment.objects.select_for_update().filter(payment_id=payment_id).first()
            )
            if attempt is None:
                raise ProviderError("The id provided does not exist")
            for earlier in attempt.refunds:
                if earlier["receipt"] == receipt:
                    return self._refund(earlier)
            refunded = sum(item["amount"] for item in attempt.refunds)
            entity = attempt.entity
            if entity["status"] != "captured" or refunded + to_minor(amount) > entity["amount"]:
                raise ProviderError("The refund amount exceeds what was captured")
            item = {
                "id": f"rfnd_sbx_{secrets.token_hex(7)}",
                "entity": "refund",
                "payment_id": payment_id,
                "amount": to_minor(amount),
                "currency": entity["currency"],
                "receipt": receipt,
                "status": "processed",
            }
            attempt.refunds = [*attempt.refunds, item]
            attempt.save(update_fields=["refunds"])
        return self._refund(item)

    def webhook_headers(self, body: bytes, event_id: str) -> dict:
        """The headers Razorpay sends with a webhook: its signature over the body, its event id."""
        return {
            "Content-Type": "application/json",
            "X-Razorpay-Signature": _sign(self.webhook_secret, body.decode()),
            "X-Razorpay-Event-Id": event_id,
        }

    # --- The checkout page's buttons ------------------------------------------------

    def pay(
        self, *, order_id: str, succeed: bool, method: str = "upi", amount_minor=None
    ) -> SandboxAttempt:
        """Record one payment attempt on the order and build the webhook a provider would send.

        `amount_minor` other than the order's stands for a provider that captured
        the wrong amount; only tests ask for that.
        """
        with transaction.atomic():
            order = SandboxOrder.objects.select_for_update().filter(order_id=order_id).first()
            if order is None:
                raise ProviderError("The id provided does not exist")
            if order.status == SandboxOrderStatus.PAID:
                raise ProviderError("This order is already paid")
            payment = {
                "id": f"pay_sbx_{secrets.token_hex(7)}",
                "entity": "payment",
                "amount": order.amount_minor if amount_minor is None else amount_minor,
                "currency": order.currency,
                "status": "captured" if succeed else "failed",
                "order_id": order.order_id,
                "method": method,
                "captured": succeed,
                "amount_refunded": 0,
                "error_code": None if succeed else "BAD_REQUEST_ERROR",
                "error_description": None if succeed else "Payment failed at the sandbox",
                "created_at": int(time.time()),
            }
            SandboxPayment.objects.create(order=order, payment_id=payment["id"], entity=payment)
            order.status = SandboxOrderStatus.PAID if succeed else SandboxOrderStatus.ATTEMPTED
            order.save(update_fields=["status"])
        event = {
            "entity": "event",
            "account_id": "acc_sandbox",
            "event": "payment.captured" if succeed else "payment.failed",
            "contains": ["payment"],
            "payload": {"payment": {"entity": payment}},
            "created_at": int(time.time()),
        }
        body = json.dumps(event, separators=(",", ":")).encode()
        return SandboxAttempt(
            order_id=order.order_id,
            payment_id=payment["id"],
            captured=succeed,
            webhook_body=body,
            webhook_headers=self.webhook_headers(body, f"evt_sbx_{secrets.token_hex(7)}"),
            confirmation={
                "razorpay_order_id": order.order_id,
                "razorpay_payment_id": payment["id"],
                "razorpay_signature": _sign(self.key_secret, f"{order.order_id}|{payment['id']}"),
            },
        )
