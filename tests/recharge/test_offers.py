"""Offers at checkout: each criterion allows or refuses the discount."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from payments.models import Payment
from recharge.models import CatalogStatus, Offer, OfferRedemption, Transaction, UserPlan
from recharge.services.pricing import offer_discount
from tests.idempotency.keys import new_key
from tests.recharge.conftest import assert_ledger_consistent, balance_of, fund, sandbox_pay

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/api/v1/recharge/subscribe"


def subscribe(client, user, plan, offer, **extra):
    client.force_authenticate(user)
    return client.post(
        SUBSCRIBE, {"plan_id": plan.pk, "offer_id": offer.pk, **extra}, headers=new_key()
    )


@pytest.mark.parametrize(
    ("kind", "value", "cap", "price", "expected"),
    [
        ("percentage", "10", None, "699.00", "69.90"),
        ("percentage", "12.5", None, "199.00", "24.88"),  # half up to the cent
        ("percentage", "50", "100", "699.00", "100.00"),
        ("flat", "50", None, "699.00", "50.00"),
        ("flat", "900", None, "699.00", "699.00"),  # never more than the price
        ("percentage", "100", None, "10.00", "10.00"),
    ],
)
def test_discount_arithmetic(kind, value, cap, price, expected):
    offer = Offer(
        discount_type=kind,
        discount_value=Decimal(value),
        max_discount=Decimal(cap) if cap else None,
    )
    assert offer_discount(offer, Decimal(price)) == Decimal(expected)


def test_a_percentage_offer_lowers_the_price(api_client, subscriber, plan, make_offer):
    offer = make_offer()
    fund(subscriber, "1000.00")
    response = subscribe(api_client, subscriber, plan, offer)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == "629.10"
    assert body["gross_amount"] == "699.00" and body["discount_amount"] == "69.90"
    assert body["offer_id"] == offer.pk
    assert balance_of(subscriber) == Decimal("370.90")
    offer.refresh_from_db()
    assert offer.redemptions_count == 1
    assert OfferRedemption.objects.get().discount_amount == Decimal("69.90")
    assert_ledger_consistent()


def test_a_free_recharge_moves_no_money(api_client, subscriber, plan, make_offer):
    offer = make_offer(discount_type="percentage", discount_value=Decimal("100"))
    response = subscribe(api_client, subscriber, plan, offer)
    assert response.status_code == 201
    assert response.json()["amount"] == "0.00"
    assert UserPlan.objects.count() == 1
    assert balance_of(subscriber) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": CatalogStatus.INACTIVE}, "not available"),
        ({"status": CatalogStatus.RETIRED}, "not available"),
        ({"min_amount": Decimal("700.00")}, "at least 700.00"),
        ({"valid_from_days": 1}, "not valid at this time"),
        ({"valid_to_days": -1}, "not valid at this time"),
    ],
)
def test_offers_whose_criteria_refuse_give_400_and_move_nothing(
    api_client, subscriber, plan, make_offer, fields, message
):
    now = timezone.now()
    if "valid_from_days" in fields:
        days = fields.pop("valid_from_days")
        fields.update(valid_from=now + timedelta(days=days), valid_to=now + timedelta(days=9))
    if "valid_to_days" in fields:
        days = fields.pop("valid_to_days")
        fields.update(valid_from=now - timedelta(days=9), valid_to=now + timedelta(days=days))
    offer = make_offer(**fields)
    fund(subscriber, "1000.00")
    response = subscribe(api_client, subscriber, plan, offer)
    assert response.status_code == 400
    assert message in response.json()["errors"]["offer_id"][0]
    assert balance_of(subscriber) == Decimal("1000.00")
    assert not UserPlan.objects.exists()


def test_eligible_plans_limit_the_offer(api_client, subscriber, plan, cheap_plan, make_offer):
    offer = make_offer(eligible_plans=[cheap_plan])
    fund(subscriber, "1000.00")
    assert subscribe(api_client, subscriber, plan, offer).status_code == 400
    assert subscribe(api_client, subscriber, cheap_plan, offer).status_code == 201


def test_first_recharge_only(api_client, subscriber, plan, cheap_plan, make_offer):
    offer = make_offer(first_recharge_only=True)
    fund(subscriber, "2000.00")
    api_client.force_authenticate(subscriber)
    assert (
        api_client.post(SUBSCRIBE, {"plan_id": cheap_plan.pk}, headers=new_key()).status_code == 201
    )
    response = subscribe(api_client, subscriber, plan, offer)
    assert response.status_code == 400
    assert "first recharge" in response.json()["errors"]["offer_id"][0]


def test_per_user_cap(api_client, subscriber, other_subscriber, cheap_plan, make_offer):
    offer = make_offer(max_redemptions_per_user=2)
    for user in (subscriber, other_subscriber):
        fund(user, "1000.00")
    assert subscribe(api_client, subscriber, cheap_plan, offer).status_code == 201
    assert subscribe(api_client, subscriber, cheap_plan, offer).status_code == 201
    assert subscribe(api_client, subscriber, cheap_plan, offer).status_code == 400
    assert subscribe(api_client, other_subscriber, cheap_plan, offer).status_code == 201


def test_total_cap(api_client, subscriber, other_subscriber, cheap_plan, make_offer):
    offer = make_offer(max_redemptions_total=1)
    for user in (subscriber, other_subscriber):
        fund(user, "1000.00")
    assert subscribe(api_client, subscriber, cheap_plan, offer).status_code == 201
    response = subscribe(api_client, other_subscriber, cheap_plan, offer)
    assert response.status_code == 400
    assert "fully redeemed" in response.json()["errors"]["offer_id"][0]
    assert balance_of(other_subscriber) == Decimal("1000.00")


def test_offer_through_a_provider_is_redeemed_on_capture(api_client, subscriber, plan, make_offer):
    offer = make_offer(discount_type="flat", discount_value=Decimal("99.00"))
    response = subscribe(api_client, subscriber, plan, offer, payment_method="UPI")
    assert response.status_code == 201
    assert response.json()["amount"] == "600.00"
    assert response.json()["payment"]["amount"] == "600.00"
    assert not OfferRedemption.objects.exists()
    sandbox_pay(api_client, response.json())
    assert Transaction.objects.get().gateway == "sandbox"
    assert OfferRedemption.objects.count() == 1


def test_an_offer_used_up_before_the_capture_refunds_the_payment(
    api_client, subscriber, other_subscriber, cheap_plan, make_offer
):
    offer = make_offer(max_redemptions_total=1)
    pending = subscribe(api_client, subscriber, cheap_plan, offer, payment_method="UPI")
    fund(other_subscriber, "1000.00")
    assert subscribe(api_client, other_subscriber, cheap_plan, offer).status_code == 201
    sandbox_pay(api_client, pending.json())
    txn = Transaction.objects.get(pk=pending.json()["txn_id"])
    assert txn.status == "failed" and "refunded" in txn.failure_reason
    payment = Payment.objects.get(pk=txn.payment_id)
    assert payment.status == "refunded"
    assert payment.refunds.get().status == "processed"
    assert not UserPlan.objects.filter(transaction=txn).exists()


def test_a_redeemed_offer_is_retired_not_erased(api_client, staff, subscriber, plan, make_offer):
    offer = make_offer()
    fund(subscriber, "1000.00")
    subscribe(api_client, subscriber, plan, offer)
    api_client.force_authenticate(staff)
    assert api_client.delete(f"/api/v1/offers/offers/{offer.pk}").json()["message"] == (
        "Offer retired."
    )
    offer.refresh_from_db()
    assert offer.status == CatalogStatus.RETIRED
    assert subscribe(api_client, subscriber, plan, offer).status_code == 400


def test_unknown_offer(api_client, subscriber, plan):
    api_client.force_authenticate(subscriber)
    response = api_client.post(
        SUBSCRIBE, {"plan_id": plan.pk, "offer_id": 424242}, headers=new_key()
    )
    assert response.status_code == 400 and "offer_id" in response.json()["errors"]
