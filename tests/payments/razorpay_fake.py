"""Razorpay's API as `responses` answers it: recorded shapes, no network.

The fake keeps orders, payments and refunds the way Razorpay would, and
builds webhooks and Checkout confirmations signed as Razorpay signs them.
"""

import hashlib
import hmac
import itertools
import json
import re
import time

import responses

BASE = "https://api.razorpay.com/v1"
KEY_ID = "rzp_test_1DP5mmOlF5G5ag"
KEY_SECRET = "test_key_secret_9f8e7d"
WEBHOOK_SECRET = "test_webhook_secret_1a2b3c"


def sign(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _error(status: int, description: str):
    return (
        status,
        {},
        json.dumps({"error": {"code": "BAD_REQUEST_ERROR", "description": description}}),
    )


class RazorpayFake:
    def __init__(self, rsps: responses.RequestsMock) -> None:
        self.orders: dict[str, dict] = {}
        self.payments: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.calls: list[str] = []
        self.down = False
        self._ids = itertools.count(1)
        self.rsps = rsps
        rsps.add_callback(responses.POST, f"{BASE}/orders", callback=self._create_order)
        rsps.add_callback(
            responses.GET,
            re.compile(rf"{BASE}/orders/(\w+)/payments"),
            callback=self._order_payments,
        )
        rsps.add_callback(
            responses.POST, re.compile(rf"{BASE}/payments/(\w+)/capture"), callback=self._capture
        )
        rsps.add_callback(
            responses.POST, re.compile(rf"{BASE}/payments/(\w+)/refund$"), callback=self._refund
        )
        rsps.add_callback(
            responses.GET, re.compile(rf"{BASE}/payments/(\w+)/refunds"), callback=self._refunds
        )
        rsps.add_callback(
            responses.GET, re.compile(rf"{BASE}/payments/(\w+)$"), callback=self._fetch
        )

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):014d}"

    def _guard(self, request):
        self.calls.append(f"{request.method} {request.url.split('?')[0]}")
        if self.down:
            import requests

            raise requests.ConnectionError("connection refused")

    def _create_order(self, request):
        self._guard(request)
        data = json.loads(request.body)
        order = {
            "id": self._id("order"),
            "entity": "order",
            "amount": data["amount"],
            "amount_paid": 0,
            "amount_due": data["amount"],
            "currency": data["currency"],
            "receipt": data.get("receipt"),
            "offer_id": None,
            "status": "created",
            "attempts": 0,
            "notes": data.get("notes", {}),
            "created_at": int(time.time()),
        }
        self.orders[order["id"]] = order
        return 200, {}, json.dumps(order)

    def _order_payments(self, request):
        self._guard(request)
        order_id = request.url.split("/orders/")[1].split("/")[0]
        if order_id not in self.orders:
            return _error(400, "The id provided does not exist")
        items = [p for p in self.payments.values() if p["order_id"] == order_id]
        return 200, {}, json.dumps({"entity": "collection", "count": len(items), "items": items})

    def _fetch(self, request):
        self._guard(request)
        payment = self.payments.get(request.url.rsplit("/", 1)[1].split("?")[0])
        if payment is None:
            return _error(400, "The id provided does not exist")
        return 200, {}, json.dumps(payment)

    def _capture(self, request):
        self._guard(request)
        payment = self.payments[request.url.split("/payments/")[1].split("/")[0]]
        if json.loads(request.body)["amount"] != payment["amount"]:
            return _error(400, "Capture amount must be equal to the amount authorized")
        payment.update(status="captured", captured=True)
        return 200, {}, json.dumps(payment)

    def _refund(self, request):
        self._guard(request)
        payment_id = request.url.split("/payments/")[1].split("/")[0]
        data = json.loads(request.body)
        refund = {
            "id": self._id("rfnd"),
            "entity": "refund",
            "amount": data["amount"],
            "currency": "INR",
            "payment_id": payment_id,
            "notes": [],
            "receipt": data.get("receipt"),
            "acquirer_data": {"arn": None},
            "created_at": int(time.time()),
            "batch_id": None,
            "status": "processed",
            "speed_processed": "normal",
            "speed_requested": data.get("speed", "normal"),
        }
        self.refunds.append(refund)
        return 200, {}, json.dumps(refund)

    def _refunds(self, request):
        self._guard(request)
        payment_id = request.url.split("/payments/")[1].split("/")[0]
        items = [r for r in self.refunds if r["payment_id"] == payment_id]
        return 200, {}, json.dumps({"entity": "collection", "count": len(items), "items": items})

    # --- What a customer does at Checkout --------------------------------------------

    def pay(self, order_id: str, *, amount=None, currency=None, status="captured") -> dict:
        order = self.orders[order_id]
        payment = {
            "id": self._id("pay"),
            "entity": "payment",
            "amount": order["amount"] if amount is None else amount,
            "currency": currency or order["currency"],
            "status": status,
            "order_id": order_id,
            "invoice_id": None,
            "international": False,
            "method": "card",
            "amount_refunded": 0,
            "refund_status": None,
            "captured": status == "captured",
            "description": "Wallet top-up",
            "card_id": "card_Gw33mMf3bsqqb0",
            "card": {
                "id": "card_Gw33mMf3bsqqb0",
                "entity": "card",
                "name": "Gaurav Kumar",
                "last4": "1111",
                "network": "Visa",
                "type": "debit",
                "issuer": None,
                "international": False,
                "emi": False,
                "sub_type": "consumer",
            },
            "bank": None,
            "wallet": None,
            "vpa": None,
            "email": "gaurav.kumar@example.com",
            "contact": "+919999999999",
            "notes": {"purpose": "wallet_topup"},
            "fee": 1000 if status == "captured" else None,
            "tax": 0,
            "error_code": None if status != "failed" else "BAD_REQUEST_ERROR",
            "error_description": None if status != "failed" else "Payment declined by the bank",
            "error_source": None,
            "error_step": None,
            "error_reason": None,
            "acquirer_data": {"auth_code": "892379", "rrn": "322206890934"},
            "created_at": int(time.time()),
        }
        self.payments[payment["id"]] = payment
        if status == "captured":
            order.update(status="paid", amount_paid=order["amount"], amount_due=0)
        return payment

    def webhook(self, event: str, payment: dict, *, event_id: str | None = None):
        """(body, headers) of the webhook Razorpay sends for `event`."""
        payload = {"payment": {"entity": payment}}
        if event == "order.paid":
            payload["order"] = {"entity": self.orders[payment["order_id"]]}
        body = json.dumps(
            {
                "entity": "event",
                "account_id": "acc_BFQ7uQEaa7j2z7",
                "event": event,
                "contains": list(payload),
                "payload": payload,
                "created_at": int(time.time()),
            }
        ).encode()
        headers = {
            "X-Razorpay-Signature": sign(WEBHOOK_SECRET, body.decode()),
            "X-Razorpay-Event-Id": event_id or self._id("evt"),
        }
        return body, headers

    def confirmation(self, payment: dict) -> dict:
        """What Checkout's handler receives on success."""
        return {
            "razorpay_order_id": payment["order_id"],
            "razorpay_payment_id": payment["id"],
            "razorpay_signature": sign(KEY_SECRET, f"{payment['order_id']}|{payment['id']}"),
        }
