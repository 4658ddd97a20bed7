"""Razorpay, through its Python SDK: orders, Checkout confirmation, webhooks, captures, refunds.

Settings: `RAZORPAY_KEY_ID`, `RAZORPAY_KEY_SECRET` (the API keys of the
dashboard) and `RAZORPAY_WEBHOOK_SECRET` (the secret typed in when the
webhook was added). Signatures are checked by the SDK's `Utility`.
"""

import hashlib
import json
from decimal import Decimal

import razorpay
import requests
from django.conf import settings
from razorpay.errors import BadRequestError, GatewayError, ServerError, SignatureVerificationError

from payments.providers import (
    AUTHORIZED,
    CAPTURED,
    CREATED,
    FAILED,
    REFUNDED,
    InvalidSignature,
    MalformedEvent,
    PaymentProvider,
    ProviderError,
    ProviderOrder,
    ProviderPayment,
    ProviderRefund,
    ProviderUnavailable,
    WebhookEvent,
    from_minor,
    to_minor,
)

_STATUSES = {
    "captured": CAPTURED,
    "authorized": AUTHORIZED,
    "failed": FAILED,
    "refunded": REFUNDED,
    "created": CREATED,
}
# What is kept of a payment entity: enough to reconcile, nothing of the card or secrets.
_KEPT_PAYMENT_FIELDS = (
    "id",
    "entity",
    "amount",
    "currency",
    "status",
    "order_id",
    "method",
    "captured",
    "amount_refunded",
    "refund_status",
    "international",
    "bank",
    "wallet",
    "fee",
    "tax",
    "error_code",
    "error_description",
    "error_reason",
    "error_source",
    "error_step",
    "created_at",
)
_KEPT_CARD_FIELDS = ("network", "type", "international", "emi")


def _entity(payload, name: str) -> dict | None:
    """`payload[name]["entity"]` when the body has that shape, else None."""
    wrapper = payload.get(name) if isinstance(payload, dict) else None
    entity = wrapper.get("entity") if isinstance(wrapper, dict) else None
    return entity if isinstance(entity, dict) else None


def scrub_payment(entity: dict) -> dict:
    """A payment entity without card numbers, names, contacts or anything not needed later."""
    kept = {key: entity[key] for key in _KEPT_PAYMENT_FIELDS if key in entity}
    card = entity.get("card")
    if isinstance(card, dict):
        kept["card"] = {key: card[key] for key in _KEPT_CARD_FIELDS if key in card}
    acquirer = entity.get("acquirer_data")
    if isinstance(acquirer, dict) and "rrn" in acquirer:
        kept["acquirer_data"] = {"rrn": acquirer["rrn"]}  # the bank's reference, for disputes
    return kept


def scrub_event(data: dict) -> dict:
    """A webhook body with each entity scrubbed; only payment and refund entities are kept."""
    payload = data.get("payload")
    kept: dict = {}
    payment = _entity(payload, "payment")
    if payment is not None:
        kept["payment"] = {"entity": scrub_payment(payment)}
    order = _entity(payload, "order")
    if order is not None:
        kept["order"] = {
            "entity": {k: order.get(k) for k in ("id", "amount", "currency", "status", "receipt")}
        }
    refund = _entity(payload, "refund")
    if refund is not None:
        kept["refund"] = {
            "entity": {
                k: refund.get(k) for k in ("id", "payment_id", "amount", "currency", "status")
            }
        }
    return {
        "event": data.get("event"),
        "account_id": data.get("account_id"),
        "created_at": data.get("created_at"),
        "payload": kept,
    }


def provider_payment(entity: dict) -> ProviderPayment:
    try:
        return ProviderPayment(
            payment_id=str(entity["id"]),
            order_id=str(entity.get("order_id") or ""),
            status=_STATUSES.get(str(entity.get("status")), str(entity.get("status"))),
            amount=from_minor(entity["amount"]),
            currency=str(entity.get("currency") or ""),
            error=str(entity.get("error_description") or "")[:255],
            raw=scrub_payment(entity),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedEvent("The payment entity lacks its id or amount.") from exc


class RazorpayProvider(PaymentProvider):
    name = "razorpay"

    def __init__(self) -> None:
        self.key_id = settings.RAZORPAY_KEY_ID
        self.key_secret = settings.RAZORPAY_KEY_SECRET
        self.webhook_secret = settings.RAZORPAY_WEBHOOK_SECRET
        self.timeout = settings.PAYMENTS_PROVIDER_TIMEOUT
        self.client = razorpay.Client(auth=(self.key_id, self.key_secret))

    # --- Calls to the API ---------------------------------------------------------

    def _call(self, method, *args):
        try:
            return method(*args, timeout=self.timeout)
        except (requests.RequestException, ServerError, GatewayError) as exc:
            raise ProviderUnavailable(type(exc).__name__) from exc
        except BadRequestError as exc:
            raise ProviderError(str(exc)[:255]) from exc
        except ValueError as exc:  # a reply that is not JSON
            raise ProviderUnavailable("unreadable reply") from exc

    def create_order(
        self, *, reference: str, amount: Decimal, currency: str, notes: dict
    ) -> ProviderOrder:
        order = self._call(
            self.client.order.create,
            {
                "amount": to_minor(amount),
                "currency": currency,
                "receipt": reference[:40],
                "notes": notes,
                "payment_capture": 1,
            },
        )
        return ProviderOrder(order_id=str(order["id"]), raw=order)

    def checkout(self, *, order_id: str, request=None) -> dict:
        # Razorpay's Checkout (web or mobile SDK) opens with the key id and the order id.
        return {"key_id": self.key_id, "order_id": order_id, "checkout_url": None}

    def fetch_payment(self, *, payment_id: str) -> ProviderPayment:
        return provider_payment(self._call(self.client.payment.fetch, payment_id, {}))

    def order_payments(self, *, order_id: str) -> list[ProviderPayment]:
        reply = self._call(self.client.order.payments, order_id, {})
        return [provider_payment(item) for item in reply.get("items", [])]

    def capture(self, *, payment_id: str, amount: Decimal, currency: str) -> ProviderPayment:
        reply = self._call(
            self.client.payment.capture, payment_id, to_minor(amount), {"currency": currency}
        )
        return provider_payment(reply)

    def refund(
        self, *, payment_id: str, amount: Decimal, receipt: str, retry: bool
    ) -> ProviderRefund:
        if retry:
            # An earlier attempt may have reached Razorpay: find it by its receipt.
            earlier = self._call(self.client.payment.fetch_multiple_refund, payment_id, {})
            for item in earlier.get("items", []):
                if item.get("receipt") == receipt and item.get("status") != "failed":
                    return self._refund(item)
        reply = self._call(
            self.client.payment.refund,
            payment_id,
            {"amount": to_minor(amount), "receipt": receipt, "speed": "normal"},
        )
        return self._refund(reply)

    @staticmethod
    def _refund(item: dict) -> ProviderRefund:
        status = item.get("status")
        return ProviderRefund(
            refund_id=str(item.get("id", "")),
            processed=status == "processed",
            failed=status == "failed",
            raw={k: item.get(k) for k in ("id", "payment_id", "amount", "status", "receipt")},
        )

    # --- What Razorpay signs --------------------------------------------------------

    def _verify(self, body: str, signature: str, secret: str) -> None:
        if not signature or not secret:
            raise InvalidSignature("missing signature or secret")
        try:
            self.client.utility.verify_signature(body, signature, secret)
        except SignatureVerificationError as exc:
            raise InvalidSignature("signature does not match") from exc

    def verify_webhook(self, *, body: bytes, headers) -> None:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidSignature("body is not UTF-8") from exc
        self._verify(text, headers.get("X-Razorpay-Signature", ""), self.webhook_secret)

    def verify_confirmation(self, *, order_id: str, payment_id: str, signature: str) -> None:
        if not signature:
            raise InvalidSignature("missing signature")
        try:
            self.client.utility.verify_payment_signature(
                {
                    "razorpay_order_id": order_id,
                    "razorpay_payment_id": payment_id,
                    "razorpay_signature": signature,
                }
            )
        except SignatureVerificationError as exc:
            raise InvalidSignature("signature does not match") from exc

    def parse_webhook(self, *, body: bytes, headers) -> WebhookEvent:
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise MalformedEvent("not JSON") from exc
        if not isinstance(data, dict) or not isinstance(data.get("event"), str):
            raise MalformedEvent("no event")
        payload = data.get("payload")
        payment_entity = _entity(payload, "payment")
        order_entity = _entity(payload, "order") or {}
        refund_entity = _entity(payload, "refund") or {}
        payment = provider_payment(payment_entity) if payment_entity is not None else None
        order_id = (payment.order_id if payment else "") or str(order_entity.get("id") or "")
        # Razorpay names each event in a header; a body without one is named by its hash,
        # so a replayed copy is still recognised.
        event_id = headers.get("X-Razorpay-Event-Id") or (
            "sha256:" + hashlib.sha256(body).hexdigest()
        )
        return WebhookEvent(
            event_id=event_id[:100],
            event_type=data["event"][:50],
            order_id=order_id,
            payment=payment,
            refund_id=str(refund_entity.get("id") or ""),
            raw=scrub_event(data),
        )
