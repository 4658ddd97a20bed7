"""The sandbox provider: a checkout page a person can use, and webhooks it delivers itself."""

import time
from decimal import Decimal

import pytest
import requests
from django.urls import reverse

from payments import sandbox_views
from payments.models import Payment, PaymentStatus
from recharge.models import Transaction, TxnStatus
from recharge.services.purchases import wallet_topup
from tests.idempotency.keys import new_key
from tests.recharge.conftest import balance_of, deliver_webhook

TOPUP = "/api/v1/recharge/wallet/topup"


@pytest.fixture
def delivered(monkeypatch, api_client):
    """Sandbox webhooks delivered at once through the test client, as the provider would."""
    sent = []

    def deliver(url, attempt):
        sent.append(url)
        response = deliver_webhook(api_client, attempt.webhook_body, attempt.webhook_headers)
        assert response.status_code == 200

    monkeypatch.setattr(sandbox_views, "deliver_webhook", deliver)
    return sent


@pytest.mark.django_db
def test_the_checkout_page_pays_and_the_webhook_settles(api_client, subscriber, delivered):
    api_client.force_authenticate(subscriber)
    reply = api_client.post(TOPUP, {"amount": "250.00"}, headers=new_key()).json()
    url = reply["payment"]["checkout_url"]
    page = api_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "250.00 INR" in html and 'value="pay"' in html and 'value="fail"' in html
    paid = api_client.post(
        url, {"action": "pay"}, format="multipart", HTTP_ACCEPT="application/json"
    )
    assert paid.status_code == 200, paid.content
    body = paid.json()
    assert body["captured"] is True and body["order_status"] == "paid"
    assert body["razorpay_payment_id"].startswith("pay_sbx_") and body["razorpay_signature"]
    assert delivered == ["http://testserver/api/v1/payments/webhooks/sandbox/"]
    assert balance_of(subscriber) == Decimal("250.00")
    # A paid order is not paid again, and the confirmation changes nothing more.
    again = api_client.post(
        url, {"action": "pay"}, format="multipart", HTTP_ACCEPT="application/json"
    )
    assert again.status_code == 409
    confirm = api_client.post(
        "/api/v1/payments/confirm", {k: body[k] for k in body if k.startswith("razorpay_")}
    )
    assert confirm.status_code == 200 and confirm.json()["status"] == "captured"
    assert balance_of(subscriber) == Decimal("250.00")


@pytest.mark.django_db
def test_the_fail_button_fails_the_payment(api_client, subscriber, delivered):
    api_client.force_authenticate(subscriber)
    reply = api_client.post(TOPUP, {"amount": "250.00"}, headers=new_key()).json()
    page = api_client.post(reply["payment"]["checkout_url"], {"action": "fail"}, format="multipart")
    assert page.status_code == 200 and "attempt failed" in page.content.decode()
    assert Payment.objects.get().status == PaymentStatus.FAILED
    assert Transaction.objects.get().status == TxnStatus.FAILED
    assert balance_of(subscriber) == 0


@pytest.mark.django_db
def test_the_sandbox_is_gone_when_switched_off(api_client, subscriber, settings, delivered):
    api_client.force_authenticate(subscriber)
    reply = api_client.post(TOPUP, {"amount": "250.00"}, headers=new_key()).json()
    settings.PAYMENTS_SANDBOX_ENABLED = False
    assert api_client.get(reply["payment"]["checkout_url"]).status_code == 404
    response = deliver_webhook(api_client, b"{}", {"X-Razorpay-Signature": "x"})
    assert response.status_code == 404
    assert api_client.get("/api/v1/payments/sandbox/checkout/order_sbx_nope").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_end_to_end_over_http_the_webhook_arrives_by_itself(live_server, subscriber):
    """No test client: the page is pressed over HTTP and the webhook comes back over HTTP."""
    txn = wallet_topup(user=subscriber, amount=Decimal("75.00"), payment_method="UPI")
    url = live_server.url + reverse(
        "payments:sandbox-checkout", kwargs={"order_id": txn.payment.provider_order_id}
    )
    assert requests.get(url, timeout=10).status_code == 200
    pressed = requests.post(
        url, data={"action": "pay"}, timeout=10, headers={"Accept": "application/json"}
    )
    assert pressed.status_code == 200 and pressed.json()["captured"] is True
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and balance_of(subscriber) == 0:
        time.sleep(0.1)
    assert balance_of(subscriber) == Decimal("75.00")
    assert Transaction.objects.get(pk=txn.pk).status == TxnStatus.SUCCESS
