"""Referral rewards: pending at sign-up, earned once on the referee's first paid recharge."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from recharge.models import ReferralReward, ReferralStatus, Transaction, TxnSource
from recharge.services.referrals import (
    referral_pending_record,
    referral_reward_grant,
    referrals_settle,
)
from tests.factories import UserFactory
from tests.idempotency.keys import new_key
from tests.recharge.conftest import assert_ledger_consistent, balance_of, fund, topup_paid

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/api/v1/recharge/subscribe"


@pytest.fixture
def referrer():
    return UserFactory(username="referrer", mobile="+919811111111", referral_code="ABCD12")


@pytest.fixture
def referee(referrer):
    return UserFactory(username="referee", mobile="+919822222222", referred_by=referrer)


def test_registering_with_a_code_then_first_paid_recharge_credits_the_referrer_once(
    api_client, inbox, cheap_plan, referrer
):
    started = api_client.post(
        "/api/v1/auth/signup", {"phone_number": "9833333333", "user_type": "prepaid"}
    )
    assert started.status_code in (200, 201), started.content
    tokens = api_client.post(
        "/api/v1/auth/verify-otp-signup",
        {"phone_number": "9833333333", "otp": inbox.code_for("+919833333333")},
    )
    assert tokens.status_code in (200, 201), tokens.content
    body = tokens.json()
    access = body.get("access") or body.get("access_token")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    registered = api_client.post(
        "/api/v1/auth/register",
        {"name": "Akhil", "email": "akhil@example.com", "referee_code": "ABCD12"},
    )
    assert registered.status_code in (200, 201), registered.content

    referrals_settle()  # the periodic settlement records the pending reward
    reward = ReferralReward.objects.get()
    assert reward.status == ReferralStatus.PENDING and reward.referrer == referrer
    api_client.credentials()
    api_client.force_authenticate(referrer)
    mine = api_client.get("/api/v1/referrals/me").json()
    assert mine["total"] == 1 and mine["items"][0]["status"] == "pending"

    referee = reward.referred
    fund(referee, "300.00")
    api_client.force_authenticate(referee)
    assert (
        api_client.post(SUBSCRIBE, {"plan_id": cheap_plan.pk}, headers=new_key()).status_code == 201
    )
    assert (
        api_client.post(SUBSCRIBE, {"plan_id": cheap_plan.pk}, headers=new_key()).status_code == 201
    )
    reward.refresh_from_db()
    assert reward.status == ReferralStatus.EARNED and reward.claimed_at is not None
    assert balance_of(referrer) == Decimal("50.00")
    assert Transaction.objects.filter(source=TxnSource.REFERRAL_REWARD).count() == 1

    api_client.force_authenticate(referrer)
    item = api_client.get("/api/v1/referrals/me").json()["items"][0]
    assert item == {
        **item,
        "referrer_id": referrer.pk,
        "referred_id": referee.pk,
        "reward_amount": "50.00",
        "status": "earned",
    }
    assert AuditEvent.objects.filter(action="recharge.referral_reward_earned").count() == 1
    assert_ledger_consistent()


def test_first_recharge_creates_the_pending_reward_itself(
    api_client, referee, referrer, cheap_plan
):
    fund(referee, "100.00")
    api_client.force_authenticate(referee)
    assert (
        api_client.post(SUBSCRIBE, {"plan_id": cheap_plan.pk}, headers=new_key()).status_code == 201
    )
    assert ReferralReward.objects.get().status == ReferralStatus.EARNED
    assert balance_of(referrer) == Decimal("50.00")


def test_only_a_paid_recharge_earns_it(api_client, referee, referrer, cheap_plan, make_offer):
    offer = make_offer(discount_type="percentage", discount_value=Decimal("100"))
    api_client.force_authenticate(referee)
    response = api_client.post(
        SUBSCRIBE, {"plan_id": cheap_plan.pk, "offer_id": offer.pk}, headers=new_key()
    )
    assert response.status_code == 201
    assert not ReferralReward.objects.filter(status=ReferralStatus.EARNED).exists()
    assert balance_of(referrer) == 0
    fund(referee, "10.00")
    topup_paid(api_client, referee, "100")
    assert balance_of(referee) == Decimal("110.00")
    assert balance_of(referrer) == 0  # a top-up is not a recharge


def test_a_grant_runs_once_however_often_it_is_called(referee, referrer):
    reward = referral_pending_record(referee=referee)
    assert referral_reward_grant(reward_id=reward.pk) is False  # no recharge yet
    Transaction.objects.create(
        user=referee,
        category="service",
        txn_type="debit",
        amount=Decimal("100.00"),
        source="recharge",
        status="success",
    )
    assert referral_reward_grant(reward_id=reward.pk) is True
    assert referral_reward_grant(reward_id=reward.pk) is False
    assert referrals_settle() == {"recorded": 0, "granted": 0}
    assert balance_of(referrer) == Decimal("50.00")


def test_self_referral_is_refused(referrer):
    referrer.referred_by = referrer
    referrer.save(update_fields=["referred_by"])
    with pytest.raises(ValidationError):
        referral_pending_record(referee=referrer)
    assert referrals_settle()["recorded"] == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralReward.objects.create(referrer=referrer, referred=referrer, reward_amount=50)


def test_a_second_reward_for_the_same_referee_is_refused(referee, referrer):
    first = referral_pending_record(referee=referee)
    assert referral_pending_record(referee=referee) == first
    someone = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralReward.objects.create(referrer=someone, referred=referee, reward_amount=50)
    assert ReferralReward.objects.count() == 1


def test_admin_sees_every_reward_and_the_settle_command(api_client, staff, referee, capsys):
    call_command("referrals_settle")
    assert "Recorded 1" in capsys.readouterr().out
    api_client.force_authenticate(staff)
    body = api_client.get("/api/v1/referrals/admin/all", {"status": "pending"}).json()
    assert (body["total"], body["size"]) == (1, 20)
    assert body["items"][0]["referred_id"] == referee.pk
