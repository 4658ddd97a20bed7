"""Top-ups through Razorpay, driven through HTTP with the SDK against a recorded-shape fake."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import SuspiciousActivity
from audit.models import ApiRequestLog, AuditEvent
from payments.models import Payment, PaymentEvent, PaymentStatus, Refund
from payments.services.reconcile import payments_reconcile
from recharge.models import LedgerEntry, Transaction, TxnStatus
from tests.factories import UserFactory
from tests.idempotency.keys import new_key
from tests.recharge.conftest import assert_ledger_consistent, balance_of, deliver_webhook, grant

pytestmark = pytest.mark.django_db

TOPUP = "/api/v1/recharge/wallet/topup"
CONFIRM = "/api/v1/payments/confirm"


def topup(api_client, user, amount="500.00", **extra) -> dict:
    api_client.force_authenticate(user)
    response = api_client.post(
        TOPUP, {"amount": amount, "payment_method": "Card"}, headers=new_key(), **extra
    )
    assert response.status_code == 201, response.content
    return response.json()


def webhook(api_client, razorpay, event, entity, **kwargs):
    body, headers = razorpay.webhook(event, entity, **kwargs)
    return deliver_webhook(api_client, body, headers, provider="razorpay")


def test_a_topup_opens_a_razorpay_order_and_waits(api_client, subscriber, razorpay):
    body = topup(api_client, subscriber)
    payment = body["payment"]
    assert body["status"] == "pending"
    assert payment["provider"] == "razorpay" and payment["status"] == "pending"
    assert payment["key_id"] == "rzp_test_1DP5mmOlF5G5ag" and payment["checkout_url"] is None
    order = razorpay.orders[payment["order_id"]]
    assert order["amount"] == 50000 and order["currency"] == "INR"
    assert order["receipt"] == payment["payment_id"][:40]
    assert balance_of(subscriber) == 0
    assert not LedgerEntry.objects.exists()


def test_captured_webhook_credits_once_and_a_redelivery_is_ignored(
    api_client, subscriber, razorpay
):
    body = topup(api_client, subscriber)
    paid = razorpay.pay(body["payment"]["order_id"])
    first = webhook(api_client, razorpay, "payment.captured", paid, event_id="evt_1")
    assert first.status_code == 200 and first.json()["status"] == "processed"
    again = webhook(api_client, razorpay, "payment.captured", paid, event_id="evt_1")
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    # order.paid is another event about the same capture: recorded, not credited again.
    also = webhook(api_client, razorpay, "order.paid", paid, event_id="evt_2")
    assert also.json()["status"] == "processed"
    assert balance_of(subscriber) == Decimal("500.00")
    assert LedgerEntry.objects.count() == 1
    assert PaymentEvent.objects.filter(source="webhook").count() == 2
    assert Transaction.objects.get().gateway_reference == paid["id"]
    assert_ledger_consistent()


@pytest.mark.parametrize("webhook_first", [True, False])
def test_webhook_and_confirm_in_either_order_credit_once(
    api_client, subscriber, razorpay, webhook_first
):
    body = topup(api_client, subscriber)
    paid = razorpay.pay(body["payment"]["order_id"])

    def confirm():
        response = api_client.post(CONFIRM, razorpay.confirmation(paid))
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "captured"

    def hook():
        assert webhook(api_client, razorpay, "payment.captured", paid).status_code == 200

    for step in (hook, confirm) if webhook_first else (confirm, hook):
        step()
    assert balance_of(subscriber) == Decimal("500.00")
    assert LedgerEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action="recharge.wallet_topped_up").count() == 1
    assert AuditEvent.objects.filter(action="payments.payment_captured").count() == 1
    assert_ledger_consistent()


def test_confirm_captures_an_authorized_payment(api_client, subscriber, razorpay):
    body = topup(api_client, subscriber)
    held = razorpay.pay(body["payment"]["order_id"], status="authorized")
    response = api_client.post(CONFIRM, razorpay.confirmation(held))
    assert response.status_code == 200 and response.json()["status"] == "captured"
    assert razorpay.payments[held["id"]]["status"] == "captured"
    assert balance_of(subscriber) == Decimal("500.00")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, headers: (body.replace(b"50000", b"90000"), headers),
        lambda body, headers: (body, {**headers, "X-Razorpay-Signature": "0" * 64}),
        lambda body, headers: (body, {"X-Razorpay-Event-Id": headers["X-Razorpay-Event-Id"]}),
    ],
    ids=["body-changed", "wrong-signature", "no-signature"],
)
def test_a_webhook_that_does_not_verify_is_a_400_and_changes_nothing(
    api_client, subscriber, razorpay, tamper
):
    body = topup(api_client, subscriber)
    paid = razorpay.pay(body["payment"]["order_id"])
    raw, headers = tamper(*razorpay.webhook("payment.captured", paid))
    response = deliver_webhook(api_client, raw, headers, provider="razorpay")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert balance_of(subscriber) == 0
    assert not PaymentEvent.objects.filter(source="webhook").exists()
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_a_webhook_signed_with_the_sandbox_secret_is_refused_by_razorpay(
    api_client, subscriber, razorpay, settings
):
    body = topup(api_client, subscriber)
    paid = razorpay.pay(body["payment"]["order_id"])
    raw, headers = razorpay.webhook("payment.captured", paid)
    from tests.payments.razorpay_fake import sign

    headers["X-Razorpay-Signature"] = sign(settings.PAYMENTS_SANDBOX_WEBHOOK_SECRET, raw.decode())
    assert deliver_webhook(api_client, raw, headers, provider="razorpay").status_code == 400
    assert deliver_webhook(api_client, raw, headers, provider="stripe").status_code == 404
    assert balance_of(subscriber) == 0


@pytest.mark.parametrize(
    ("change", "code"),
    [({"amount": 100}, "amount_mismatch"), ({"currency": "USD"}, "currency_mismatch")],
)
def test_a_capture_of_another_amount_or_currency_moves_no_money(
    api_client, subscriber, razorpay, change, code
):
    body = topup(api_client, subscriber)
    wrong = razorpay.pay(body["payment"]["order_id"], **change)
    assert webhook(api_client, razorpay, "payment.captured", wrong).status_code == 200
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.FAILED and payment.failure_code == code
    assert balance_of(subscriber) == 0 and not LedgerEntry.objects.exists()
    assert Transaction.objects.get().status == TxnStatus.FAILED
    alert = SuspiciousActivity.objects.get(kind="payment_tampering")
    assert alert.user == subscriber and alert.details["reason"] == code
    # Once mismatched, nothing captures it later, not even the right amount.
    right = razorpay.pay(body["payment"]["order_id"])
    webhook(api_client, razorpay, "payment.captured", right)
    response = api_client.post(CONFIRM, razorpay.confirmation(right))
    assert response.status_code == 200 and response.json()["status"] == "failed"
    assert balance_of(subscriber) == 0
    assert_ledger_consistent()


def test_confirm_refuses_a_bad_signature_and_strangers(
    api_client, subscriber, other_subscriber, razorpay
):
    body = topup(api_client, subscriber)
    paid = razorpay.pay(body["payment"]["order_id"])
    forged = {**razorpay.confirmation(paid), "razorpay_signature": "f" * 64}
    response = api_client.post(CONFIRM, forged)
    assert response.status_code == 400 and "razorpay_signature" in response.json()["errors"]
    api_client.force_authenticate(other_subscriber)
    assert api_client.post(CONFIRM, razorpay.confirmation(paid)).status_code == 404
    assert api_client.get(f"/api/v1/payments/{body['payment']['payment_id']}").status_code == 404
    assert api_client.get("/api/v1/payments").json()["count"] == 0
    assert balance_of(subscriber) == 0


def test_confirm_with_a_payment_of_another_order_is_refused(api_client, subscriber, razorpay):
    mine = topup(api_client, subscriber)
    other = topup(api_client, UserFactory(mobile="+919800000077"), amount="1.00")
    paid_elsewhere = razorpay.pay(other["payment"]["order_id"])
    # A valid signature for the other order's payment, presented against mine.
    signed = razorpay.confirmation(paid_elsewhere)
    api_client.force_authenticate(subscriber)
    from tests.payments.razorpay_fake import KEY_SECRET, sign

    signed["razorpay_order_id"] = mine["payment"]["order_id"]
    signed["razorpay_signature"] = sign(
        KEY_SECRET, f"{mine['payment']['order_id']}|{paid_elsewhere['id']}"
    )
    response = api_client.post(CONFIRM, signed)
    assert response.status_code == 400 and "razorpay_payment_id" in response.json()["errors"]
    assert SuspiciousActivity.objects.filter(kind="payment_tampering").exists()
    assert balance_of(subscriber) == 0


def test_card_data_and_contacts_are_not_kept(api_client, subscriber, razorpay, settings):
    settings.API_LOG_ENABLED = True
    body = topup(api_client, subscriber)
    paid = razorpay.pay(body["payment"]["order_id"])
    webhook(api_client, razorpay, "payment.captured", paid)
    api_client.post(CONFIRM, razorpay.confirmation(paid))
    stored = json.dumps([e.payload for e in PaymentEvent.objects.all()])
    for secret in ("Gaurav", "1111", "gaurav.kumar@example.com", "+919999999999", "892379"):
        assert secret not in stored
    assert "322206890934" in stored  # the bank's reference stays, for disputes
    logged = ApiRequestLog.objects.get(path="/api/v1/payments/webhooks/razorpay")
    assert "gaurav" not in logged.request_body.lower() and "not logged" in logged.request_body


def test_reconciliation_settles_a_payment_whose_webhook_was_lost(api_client, subscriber, razorpay):
    body = topup(api_client, subscriber)
    razorpay.pay(body["payment"]["order_id"])
    assert payments_reconcile() == {
        "checked": 0,
        "captured": 0,
        "expired": 0,
        "unavailable": 0,
        "refunds_sent": 0,
    }  # too young to ask about
    later = timezone.now() + timedelta(minutes=11)
    assert payments_reconcile(now=later)["captured"] == 1
    assert Payment.objects.get().status == PaymentStatus.CAPTURED
    assert balance_of(subscriber) == Decimal("500.00")
    assert payments_reconcile(now=later)["checked"] == 0  # nothing open is left
    assert_ledger_consistent()


def test_reconciliation_captures_a_payment_left_authorized(api_client, subscriber, razorpay):
    body = topup(api_client, subscriber)
    held = razorpay.pay(body["payment"]["order_id"], status="authorized")
    payments_reconcile(now=timezone.now() + timedelta(minutes=11))
    assert razorpay.payments[held["id"]]["status"] == "captured"
    assert balance_of(subscriber) == Decimal("500.00")


def test_unpaid_payments_expire_but_only_after_asking(api_client, subscriber, razorpay):
    body = topup(api_client, subscriber)
    past_deadline = timezone.now() + timedelta(minutes=31)
    razorpay.down = True
    counts = payments_reconcile(now=past_deadline)
    assert counts["unavailable"] == 1
    assert Payment.objects.get().status == PaymentStatus.PENDING  # not expired unasked
    razorpay.down = False
    assert payments_reconcile(now=past_deadline)["expired"] == 1
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.EXPIRED and payment.closed_at is not None
    txn = Transaction.objects.get()
    assert txn.status == TxnStatus.FAILED and txn.failure_reason == "Not paid in time."
    assert balance_of(subscriber) == 0
    # The provider took the money after all: it is real, so it is honoured, once.
    late = razorpay.pay(body["payment"]["order_id"])
    webhook(api_client, razorpay, "payment.captured", late)
    webhook(api_client, razorpay, "payment.captured", late)
    assert Payment.objects.get().status == PaymentStatus.CAPTURED
    assert Transaction.objects.get().status == TxnStatus.SUCCESS
    assert balance_of(subscriber) == Decimal("500.00")
    assert_ledger_consistent()


def test_a_failed_attempt_fails_the_payment(api_client, subscriber, razorpay):
    body = topup(api_client, subscriber)
    declined = razorpay.pay(body["payment"]["order_id"], status="failed")
    webhook(api_client, razorpay, "payment.failed", declined)
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.FAILED
    assert payment.failure_reason == "Payment declined by the bank"
    assert Transaction.objects.get().status == TxnStatus.FAILED
    assert balance_of(subscriber) == 0


def test_staff_refund_through_razorpay(api_client, subscriber, staff, razorpay):
    body = topup(api_client, subscriber)
    webhook(api_client, razorpay, "payment.captured", razorpay.pay(body["payment"]["order_id"]))
    url = f"/api/v1/payments/{body['payment']['payment_id']}/refund"
    refused = api_client.post(url, {"amount": "100.00", "reason": "x"}, headers=new_key())
    assert refused.status_code == 403
    api_client.force_authenticate(grant(staff, "refund_payment", "view_payment"))
    first = api_client.post(
        url, {"amount": "100.00", "reason": "Goodwill"}, HTTP_IDEMPOTENCY_KEY="r-1"
    )
    assert first.status_code == 201, first.content
    # Sent to Razorpay once the refund is saved: the reply says pending, the row then knows.
    assert first.json()["status"] == "pending" and first.json()["amount"] == "100.00"
    assert Refund.objects.get().status == "processed"
    again = api_client.post(
        url, {"amount": "100.00", "reason": "Goodwill"}, HTTP_IDEMPOTENCY_KEY="r-1"
    )
    assert again.json()["refund_id"] == first.json()["refund_id"]
    assert [r["amount"] for r in razorpay.refunds] == [10000]
    assert razorpay.refunds[0]["receipt"] == first.json()["refund_id"]
    too_much = api_client.post(url, {"amount": "400.01", "reason": "Too much"}, headers=new_key())
    assert too_much.status_code == 400 and "amount" in too_much.json()["errors"]
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.amount_refunded == Decimal("100.00")
    rest = api_client.post(url, {"reason": "Closing the account"}, headers=new_key())
    assert rest.status_code == 201 and rest.json()["amount"] == "400.00"
    assert Payment.objects.get().status == PaymentStatus.REFUNDED
    assert Refund.objects.count() == 2
    assert AuditEvent.objects.filter(action="payments.refund_requested").count() == 2


def test_a_refund_whose_answer_was_lost_is_not_paid_twice(api_client, subscriber, razorpay):
    from payments.services.refunds import payment_refund, refund_submit

    body = topup(api_client, subscriber)
    webhook(api_client, razorpay, "payment.captured", razorpay.pay(body["payment"]["order_id"]))
    payment = Payment.objects.get()
    razorpay.down = True  # the task that sends it after commit gets no answer
    refund = payment_refund(payment_id=payment.pk, reason="test", key="lost")
    refund_submit(refund_id=refund.pk)
    razorpay.down = False
    refund_submit(refund_id=refund.pk)
    assert Refund.objects.get().status == "processed"
    refund_submit(refund_id=refund.pk)
    assert len(razorpay.refunds) == 1


def test_staff_recheck_asks_razorpay(api_client, subscriber, staff, razorpay):
    body = topup(api_client, subscriber)
    razorpay.pay(body["payment"]["order_id"])
    url = f"/api/v1/payments/{body['payment']['payment_id']}/recheck"
    assert api_client.post(url).status_code == 403
    api_client.force_authenticate(grant(staff, "recheck_payment", "view_payment"))
    response = api_client.post(url)
    assert response.status_code == 200 and response.json()["status"] == "captured"
    assert balance_of(subscriber) == Decimal("500.00")
    razorpay.down = True
    assert api_client.post(url).status_code == 200  # captured: nothing to ask


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"[]",
        b'{"event": 5}',
        b'{"event": "payment.captured", "payload": {"payment": {"entity": {"id": "p"}}}}',
        b'{"event": "payment.captured", "payload": {"payment": {"entity": {"id": "p", "amount": "a"}}}}',
        "\u00e9t\u00e9".encode("latin-1"),
    ],
    ids=[
        "empty",
        "list",
        "event-not-text",
        "no-amount",
        "bad-amount",
        "not-utf8",
    ],
)
def test_signed_bodies_of_the_wrong_shape_are_400s(api_client, razorpay, raw):
    from tests.payments.razorpay_fake import WEBHOOK_SECRET, sign

    signature = sign(WEBHOOK_SECRET, raw.decode("utf-8", errors="replace"))
    response = deliver_webhook(
        api_client, raw, {"X-Razorpay-Signature": signature}, provider="razorpay"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] in ("validation_error", "invalid_signature")
    assert not PaymentEvent.objects.exists()


def test_a_signed_event_about_nothing_of_ours_is_acknowledged(api_client, razorpay):
    from tests.payments.razorpay_fake import WEBHOOK_SECRET, sign

    raw = b'{"event": "payment.captured", "payload": {"payment": "x"}}'
    headers = {"X-Razorpay-Signature": sign(WEBHOOK_SECRET, raw.decode())}
    response = deliver_webhook(api_client, raw, headers, provider="razorpay")
    assert response.status_code == 200  # so that Razorpay stops retrying it
    assert response.json()["outcome"] == "no payment of ours has this order"
