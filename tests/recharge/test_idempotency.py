"""`Idempotency-Key` on top-up and subscribe: retries move no money."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from payments.models import Payment
from recharge.models import IdempotencyRecord, LedgerEntry, Transaction, UserPlan
from recharge.services.idempotency import idempotency_purge, request_fingerprint
from recharge.tasks import idempotency_purge_task
from tests.factories import UserFactory
from tests.recharge.conftest import assert_ledger_consistent, balance_of, fund, sandbox_pay

pytestmark = pytest.mark.django_db

TOPUP = "/api/v1/recharge/wallet/topup"
SUBSCRIBE = "/api/v1/recharge/subscribe"


def test_retry_with_the_same_key_returns_the_first_reply_and_moves_no_money(api_client, subscriber):
    api_client.force_authenticate(subscriber)
    first = api_client.post(TOPUP, {"amount": 500}, HTTP_IDEMPOTENCY_KEY="k-1")
    again = api_client.post(TOPUP, {"amount": 500}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Transaction.objects.count() == Payment.objects.count() == 1
    sandbox_pay(api_client, first.json())
    assert balance_of(subscriber) == Decimal("500.00")
    assert Transaction.objects.count() == LedgerEntry.objects.count() == 1
    # The trailing-slash spelling of the route is the same request.
    slashed = api_client.post(TOPUP + "/", {"amount": 500}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert slashed.json() == first.json()
    assert balance_of(subscriber) == Decimal("500.00")


def test_same_key_with_another_body_is_refused(api_client, subscriber):
    api_client.force_authenticate(subscriber)
    api_client.post(TOPUP, {"amount": 500}, HTTP_IDEMPOTENCY_KEY="k-2")
    response = api_client.post(TOPUP, {"amount": 900}, HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Payment.objects.get().amount == Decimal("500.00")


def test_same_key_on_another_endpoint_is_another_request(api_client, subscriber, plan):
    api_client.force_authenticate(subscriber)
    api_client.post(TOPUP, {"amount": 800}, HTTP_IDEMPOTENCY_KEY="k-3")
    response = api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, HTTP_IDEMPOTENCY_KEY="k-3")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert not UserPlan.objects.exists()


def test_a_key_still_in_flight_answers_409(api_client, subscriber):
    body = {"amount": "500"}
    IdempotencyRecord.objects.create(
        user=subscriber,
        key="k-4",
        fingerprint=request_fingerprint(method="POST", path=TOPUP, body=body),
        locked_at=timezone.now(),
    )
    api_client.force_authenticate(subscriber)
    response = api_client.post(TOPUP, body, HTTP_IDEMPOTENCY_KEY="k-4")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_flight"
    assert not Transaction.objects.exists()


def test_a_claim_abandoned_by_a_crash_is_taken_over_after_its_lease(api_client, subscriber):
    body = {"amount": "500"}
    IdempotencyRecord.objects.create(
        user=subscriber,
        key="k-5",
        fingerprint=request_fingerprint(method="POST", path=TOPUP, body=body),
        locked_at=timezone.now() - timedelta(minutes=6),
    )
    api_client.force_authenticate(subscriber)
    response = api_client.post(TOPUP, body, HTTP_IDEMPOTENCY_KEY="k-5")
    assert response.status_code == 201
    assert Payment.objects.get().amount == Decimal("500.00")
    assert IdempotencyRecord.objects.get(key="k-5").status_code == 201


def test_keys_are_scoped_per_user(api_client, subscriber, other_subscriber):
    for user in (subscriber, other_subscriber):
        api_client.force_authenticate(user)
        response = api_client.post(TOPUP, {"amount": 100}, HTTP_IDEMPOTENCY_KEY="same")
        assert response.status_code == 201
        sandbox_pay(api_client, response.json())
    assert balance_of(subscriber) == balance_of(other_subscriber) == Decimal("100.00")


def test_a_business_refusal_is_kept_as_the_reply(api_client, subscriber, plan):
    fund(subscriber, "100.00")
    api_client.force_authenticate(subscriber)
    first = api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, HTTP_IDEMPOTENCY_KEY="k-6")
    assert first.status_code == 422
    fund(subscriber, "1000.00")
    again = api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, HTTP_IDEMPOTENCY_KEY="k-6")
    assert again.status_code == 422 and again.json() == first.json()
    assert not UserPlan.objects.exists()
    # A new key is a new attempt.
    fresh = api_client.post(SUBSCRIBE, {"plan_id": plan.pk}, HTTP_IDEMPOTENCY_KEY="k-7")
    assert fresh.status_code == 201
    assert balance_of(subscriber) == Decimal("401.00")
    assert_ledger_consistent()


def test_invalid_input_is_not_kept_against_the_key(api_client, subscriber):
    api_client.force_authenticate(subscriber)
    assert api_client.post(TOPUP, {"amount": -1}, HTTP_IDEMPOTENCY_KEY="k-8").status_code == 400
    assert not IdempotencyRecord.objects.exists()


def test_a_server_failure_lets_the_key_go(api_client, subscriber, settings):
    settings.PAYMENTS_PROVIDERS = {"down": "tests.recharge.test_subscribe.DownProvider"}
    settings.PAYMENTS_PROVIDER = "down"
    api_client.force_authenticate(subscriber)
    response = api_client.post(TOPUP, {"amount": 100}, HTTP_IDEMPOTENCY_KEY="k-9")
    assert response.status_code == 503
    assert not IdempotencyRecord.objects.exists()
    settings.PAYMENTS_PROVIDER = "sandbox"
    retry = api_client.post(TOPUP, {"amount": 100}, HTTP_IDEMPOTENCY_KEY="k-9")
    assert retry.status_code == 201
    sandbox_pay(api_client, retry.json())
    assert balance_of(subscriber) == Decimal("100.00")


@pytest.mark.parametrize("key", ["", " ", "x" * 256])
def test_key_must_be_1_to_255_characters(api_client, subscriber, key):
    api_client.force_authenticate(subscriber)
    response = api_client.post(TOPUP, {"amount": 100}, HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]


def test_the_same_key_gives_the_provider_the_same_payment_reference(api_client, subscriber):
    api_client.force_authenticate(subscriber)
    api_client.post(TOPUP, {"amount": 100}, HTTP_IDEMPOTENCY_KEY="ref-key")
    other = UserFactory(mobile="+919800000001")
    api_client.force_authenticate(other)
    api_client.post(TOPUP, {"amount": 100}, HTTP_IDEMPOTENCY_KEY="ref-key")
    references = set(Transaction.objects.values_list("reference", flat=True))
    assert len(references) == 2  # scoped per user: two payments, two references


def test_keys_are_kept_at_least_24_hours(subscriber, settings):
    settings.RECHARGE_IDEMPOTENCY_RETENTION_HOURS = 1  # asking for less still keeps a day
    now = timezone.now()
    young = IdempotencyRecord.objects.create(
        user=subscriber, key="young", fingerprint="f", locked_at=now
    )
    old = IdempotencyRecord.objects.create(
        user=subscriber, key="old", fingerprint="f", locked_at=now
    )
    IdempotencyRecord.objects.filter(pk=young.pk).update(created_at=now - timedelta(hours=23))
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=now - timedelta(hours=25))
    assert idempotency_purge(now=now) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["young"]


def test_purge_command_and_task(subscriber, capsys):
    record = IdempotencyRecord.objects.create(
        user=subscriber, key="k", fingerprint="f", locked_at=timezone.now()
    )
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    call_command("recharge_idempotency_purge")
    assert "Forgot 1 keys" in capsys.readouterr().out
    assert idempotency_purge_task.delay().get() == 0
