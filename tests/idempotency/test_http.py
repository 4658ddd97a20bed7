"""`Idempotency-Key` over HTTP: required on every money-moving POST, and a retry moves no money."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import StaffType
from idempotency.models import IdempotencyRecord
from idempotency.services import key_reference, request_fingerprint
from lending.models import Repayment
from payments.models import Payment, Refund
from recharge.models import LedgerEntry, Transaction, UserPlan
from tests.factories import UserFactory
from tests.idempotency.keys import new_key
from tests.recharge.conftest import (
    assert_ledger_consistent,
    balance_of,
    fund,
    grant,
    run_together,
    sandbox_pay,
    topup_paid,
)

pytestmark = pytest.mark.django_db

TOPUP = "/api/v1/recharge/wallet/topup"
SUBSCRIBE = "/api/v1/recharge/subscribe"
REQUIRED = {"Idempotency-Key": ["This header is required."]}


def _toggle_slash(url: str) -> str:
    return url[:-1] if url.endswith("/") else f"{url}/"


@pytest.mark.parametrize("header", [None, "", "   "], ids=["missing", "empty", "blank"])
def test_a_money_post_without_a_key_is_a_400_naming_the_header(api_client, money_call, header):
    api_client.force_authenticate(money_call.user)
    headers = {} if header is None else {"Idempotency-Key": header}
    response = api_client.post(money_call.url, money_call.body, headers=headers)
    assert response.status_code == 400, response.content
    assert response.json() == {
        "status": 400,
        "code": "validation_error",
        "message": "Idempotency-Key: This header is required.",
        "errors": REQUIRED,
    }
    assert money_call.moved() == 0
    assert not IdempotencyRecord.objects.filter(user=money_call.user).exists()


def test_a_retry_with_the_same_key_replays_the_reply_and_moves_money_once(api_client, money_call):
    api_client.force_authenticate(money_call.user)
    headers = new_key()
    first = api_client.post(money_call.url, money_call.body, headers=headers)
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    # The other spelling of the route (with or without its slash) is the same request.
    again = api_client.post(_toggle_slash(money_call.url), money_call.body, headers=headers)
    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert money_call.moved() == 1
    fresh = api_client.post(money_call.url, money_call.body, headers=new_key())
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh
    assert money_call.moved() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("on_postgres")
def test_concurrent_requests_with_one_key_move_money_once(money_call):
    headers = new_key()

    def send(i):
        client = APIClient()
        client.force_authenticate(money_call.user)
        response = client.post(money_call.url, money_call.body, headers=headers)
        return response.status_code, response.json()

    replies = run_together(8, send)
    codes = [code for code, _ in replies]
    assert set(codes) <= {201, 409}, codes
    successes = [body for code, body in replies if code == 201]
    assert successes and all(body == successes[0] for body in successes)
    assert money_call.moved() == 1
    assert_ledger_consistent()


def test_the_key_is_1_to_255_characters(api_client, subscriber):
    api_client.force_authenticate(subscriber)
    long = api_client.post(TOPUP, {"amount": 100}, headers={"Idempotency-Key": "x" * 256})
    assert long.status_code == 400
    assert long.json()["errors"] == {"Idempotency-Key": ["Use at most 255 characters."]}
    assert not Payment.objects.exists()
    longest = api_client.post(TOPUP, {"amount": 100}, headers={"Idempotency-Key": "x" * 255})
    assert longest.status_code == 201
    one = api_client.post(TOPUP, {"amount": 100}, headers={"Idempotency-Key": "x"})
    assert one.status_code == 201
    assert Payment.objects.count() == 2


def test_a_topup_retried_after_payment_credits_the_wallet_once(api_client, subscriber):
    api_client.force_authenticate(subscriber)
    headers = new_key()
    first = api_client.post(TOPUP, {"amount": 500}, headers=headers)
    sandbox_pay(api_client, first.json())
    again = api_client.post(TOPUP, {"amount": 500}, headers=headers)
    assert again.json() == first.json()
    assert balance_of(subscriber) == Decimal("500.00")
    assert Transaction.objects.count() == LedgerEntry.objects.count() == 1


def test_same_key_with_another_body_is_refused(api_client, subscriber):
    api_client.force_authenticate(subscriber)
    headers = new_key()
    api_client.post(TOPUP, {"amount": 500}, headers=headers)
    response = api_client.post(TOPUP, {"amount": 900}, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Payment.objects.get().amount == Decimal("500.00")


def test_same_key_on_another_endpoint_is_another_request(api_client, subscriber, plan):
    api_client.force_authenticate(subscriber)
    headers = new_key()
    api_client.post(TOPUP, {"amount": 800}, headers=headers)
    response = api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert not UserPlan.objects.exists()


def _claim(user, key: str, body: dict, *, locked_at) -> IdempotencyRecord:
    """A claim as a first request leaves it while it runs (or after its process died)."""
    return IdempotencyRecord.objects.create(
        user=user,
        key=key,
        path=TOPUP,
        fingerprint=request_fingerprint(method="POST", path=TOPUP, body=body),
        locked_at=locked_at,
    )


def test_a_key_still_in_flight_answers_409(api_client, subscriber):
    body = {"amount": "500"}
    _claim(subscriber, "k-4", body, locked_at=timezone.now())
    api_client.force_authenticate(subscriber)
    response = api_client.post(TOPUP, body, headers={"Idempotency-Key": "k-4"})
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_flight"
    assert not Transaction.objects.exists()


def test_a_claim_abandoned_by_a_crash_is_taken_over_after_its_lease(api_client, subscriber):
    body = {"amount": "500"}
    stale = _claim(subscriber, "k-5", body, locked_at=timezone.now() - timedelta(minutes=6))
    api_client.force_authenticate(subscriber)
    response = api_client.post(TOPUP, body, headers={"Idempotency-Key": "k-5"})
    assert response.status_code == 201
    assert IdempotencyRecord.objects.get(key="k-5").status_code == 201
    # The provider is given the reference the crashed attempt may already have used.
    assert response.json()["payment"]["payment_id"] == str(key_reference(record=stale))
    assert Payment.objects.get().amount == Decimal("500.00")


def test_keys_are_scoped_per_user(api_client, subscriber, other_subscriber):
    for user in (subscriber, other_subscriber):
        api_client.force_authenticate(user)
        response = api_client.post(TOPUP, {"amount": 100}, headers={"Idempotency-Key": "same"})
        assert response.status_code == 201
        sandbox_pay(api_client, response.json())
    assert balance_of(subscriber) == balance_of(other_subscriber) == Decimal("100.00")
    assert len(set(Payment.objects.values_list("reference", flat=True))) == 2


def test_the_payment_reference_stands_for_the_key(api_client, subscriber):
    api_client.force_authenticate(subscriber)
    response = api_client.post(TOPUP, {"amount": 100}, headers={"Idempotency-Key": "ref-key"})
    record = IdempotencyRecord.objects.get(user=subscriber, key="ref-key")
    assert record.path == TOPUP
    reference = str(key_reference(record=record))
    assert response.json()["payment"]["payment_id"] == reference
    assert str(Transaction.objects.get().reference) == reference


def test_a_business_refusal_is_kept_as_the_reply(api_client, subscriber, plan):
    fund(subscriber, "100.00")
    api_client.force_authenticate(subscriber)
    headers = new_key()
    first = api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=headers)
    assert first.status_code == 422
    fund(subscriber, "1000.00")
    again = api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=headers)
    assert again.status_code == 422 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert not UserPlan.objects.exists()
    fresh = api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, headers=new_key())
    assert fresh.status_code == 201
    assert balance_of(subscriber) == Decimal("401.00")
    assert_ledger_consistent()


def test_invalid_input_is_not_kept_against_the_key(api_client, money_call):
    api_client.force_authenticate(money_call.user)
    headers = new_key()
    invalid = {**money_call.body, "amount": "-1"}
    if "plan_id" in invalid:
        invalid = {**money_call.body, "plan_id": "not-a-plan"}
    assert api_client.post(money_call.url, invalid, headers=headers).status_code == 400
    assert not IdempotencyRecord.objects.filter(user=money_call.user).exists()
    # The same key then serves the valid request.
    assert api_client.post(money_call.url, money_call.body, headers=headers).status_code == 201
    assert money_call.moved() == 1


def test_a_server_failure_lets_the_key_go(api_client, subscriber, settings):
    settings.PAYMENTS_PROVIDERS = {"down": "tests.recharge.test_subscribe.DownProvider"}
    settings.PAYMENTS_PROVIDER = "down"
    api_client.force_authenticate(subscriber)
    headers = new_key()
    response = api_client.post(TOPUP, {"amount": 100}, headers=headers)
    assert response.status_code == 503
    assert not IdempotencyRecord.objects.exists()
    settings.PAYMENTS_PROVIDER = "sandbox"
    retry = api_client.post(TOPUP, {"amount": 100}, headers=headers)
    assert retry.status_code == 201
    sandbox_pay(api_client, retry.json())
    assert balance_of(subscriber) == Decimal("100.00")


def test_a_repayment_key_belongs_to_its_user(api_client, make_customer, make_loan):
    manager = UserFactory(username="manager1", user_type=StaffType.MANAGER)
    officer = UserFactory(
        username="officer1", user_type=StaffType.COLLECTION_OFFICER, manager=manager
    )
    loan = make_loan(make_customer(officer))
    url = f"/api/v1/loans/{loan.pk}/repayments/"
    headers = new_key()
    for user in (officer, manager):
        api_client.force_authenticate(user)
        assert api_client.post(url, {"amount": "10.00"}, headers=headers).status_code == 201
    assert Repayment.objects.count() == 2


def test_a_refund_key_may_be_longer_than_the_refunds_own_key(api_client, subscriber):
    reply = topup_paid(api_client, subscriber, "100.00")
    clerk = grant(UserFactory(is_staff=True), "refund_payment", "view_payment")
    api_client.force_authenticate(clerk)
    url = f"/api/v1/payments/{reply['payment']['payment_id']}/refund"
    headers = {"Idempotency-Key": "r" * 255}
    first = api_client.post(url, {"amount": "10.00", "reason": "Goodwill"}, headers=headers)
    again = api_client.post(url, {"amount": "10.00", "reason": "Goodwill"}, headers=headers)
    assert first.status_code == again.status_code == 201, first.content
    assert again.json()["refund_id"] == first.json()["refund_id"]
    assert Refund.objects.get().amount == Decimal("10.00")


def test_the_schema_requires_the_header_on_every_money_post(api_client):
    paths = api_client.get("/api/v1/schema/?format=json").json()["paths"]
    money_paths = {
        "/api/v1/recharge/wallet/topup",
        "/api/v1/recharge/subscribe",
        "/api/v1/recharge/admin/wallet/credit",
        "/api/v1/loans/{id}/repayments",
        "/api/v1/payments/{payment_id}/refund",
    }
    found = {}
    for path, operations in paths.items():
        if path.rstrip("/") in money_paths:
            parameters = operations["post"].get("parameters", [])
            found[path.rstrip("/")] = [
                p["required"] for p in parameters if p["name"] == "Idempotency-Key"
            ]
    assert found == {path: [True] for path in money_paths}
