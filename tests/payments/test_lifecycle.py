"""The payment state machine and the admin's hands on it."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from payments.errors import IllegalTransition
from payments.models import TRANSITIONS, Payment, PaymentStatus, Refund
from payments.providers import from_minor, to_minor
from payments.purposes import handler_for
from payments.services.lifecycle import payment_lock, payment_transition
from recharge.models import Transaction, TxnStatus
from tests.factories import UserFactory
from tests.idempotency.keys import new_key
from tests.recharge.conftest import balance_of, sandbox_pay, topup_paid

pytestmark = pytest.mark.django_db


def _payment(api_client, user) -> Payment:
    api_client.force_authenticate(user)
    api_client.post("/api/v1/recharge/wallet/topup", {"amount": "100.00"}, headers=new_key())
    return Payment.objects.get(user=user)


def test_every_state_but_the_listed_moves_is_refused(api_client, subscriber):
    payment = _payment(api_client, subscriber)
    for target in PaymentStatus.values:
        if target in TRANSITIONS[PaymentStatus.PENDING]:
            continue
        with transaction.atomic(), pytest.raises(IllegalTransition):
            payment_transition(payment_lock(payment.pk), target)
    assert Payment.objects.get().status == PaymentStatus.PENDING
    assert TRANSITIONS[PaymentStatus.REFUNDED] == frozenset()


def test_the_database_refuses_a_captured_payment_without_the_providers_id(api_client, subscriber):
    payment = _payment(api_client, subscriber)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.CAPTURED)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Payment.objects.filter(pk=payment.pk).update(amount_refunded=Decimal("100.01"))


def test_money_in_paise_and_back():
    assert to_minor(Decimal("699.00")) == 69900 and to_minor(Decimal("0.01")) == 1
    assert from_minor(69900) == Decimal("699.00")


def test_every_purpose_has_a_handler():
    from payments.models import PaymentPurpose

    for purpose in PaymentPurpose.values:
        assert handler_for(purpose) is not None


def test_the_admin_refunds_through_the_service(
    api_client, client, subscriber, django_capture_on_commit_callbacks
):
    reply = topup_paid(api_client, subscriber, "100.00")
    payment = Payment.objects.get(reference=reply["payment"]["payment_id"])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:payments_payment_changelist")
    form = client.post(url, {"action": "refund", "_selected_action": [payment.pk]})
    assert form.status_code == 200 and b"Refund payments" in form.content
    key = form.context["form"]["request_key"].initial
    data = {
        "action": "refund",
        "_selected_action": [payment.pk],
        "apply": "1",
        "amount": "40.00",
        "reason": "Customer asked",
        "request_key": str(key),
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data, follow=True)
        client.post(url, data, follow=True)  # submitted twice: refunded once
    refund = Refund.objects.get()
    assert refund.amount == Decimal("40.00") and refund.status == "processed"
    assert Payment.objects.get().status == PaymentStatus.PARTIALLY_REFUNDED


def test_the_admin_rechecks_a_payment(api_client, client, subscriber):
    from payments.providers.sandbox import SandboxProvider

    payment = _payment(api_client, subscriber)
    SandboxProvider().pay(order_id=payment.provider_order_id, succeed=True)  # webhook lost
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:payments_payment_changelist"),
        {"action": "recheck", "_selected_action": [payment.pk]},
        follow=True,
    )
    assert b"Captured" in response.content
    assert balance_of(subscriber) == Decimal("100.00")
    assert Transaction.objects.get().status == TxnStatus.SUCCESS


def test_the_admin_credits_a_wallet_with_a_reason(api_client, client, subscriber):
    topup_paid(api_client, subscriber, "1.00")
    wallet = subscriber.wallet
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:recharge_wallet_changelist")
    data = {"action": "credit", "_selected_action": [wallet.pk]}
    assert b"Credit wallets" in client.post(url, data).content
    client.post(url, {**data, "apply": "1", "amount": "9.00", "reason": "Outage"}, follow=True)
    assert balance_of(subscriber) == Decimal("10.00")


def test_payments_are_listed_for_their_owner(api_client, subscriber, other_subscriber):
    mine = _payment(api_client, subscriber)
    _payment(api_client, other_subscriber)
    api_client.force_authenticate(subscriber)
    listed = api_client.get("/api/v1/payments").json()
    assert listed["count"] == 1 and listed["results"][0]["payment_id"] == str(mine.reference)
    one = api_client.get(f"/api/v1/payments/{mine.reference}").json()
    assert one["status"] == "pending" and one["checkout_url"]
    sandbox_pay(api_client, {"payment": {"order_id": mine.provider_order_id}})
    assert api_client.get(f"/api/v1/payments/{mine.reference}").json()["status"] == "captured"
