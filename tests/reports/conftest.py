"""Known recharge data for the reports and analytics: every figure below is counted by hand."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import StaffType, User
from recharge.models import (
    Autopay,
    AutopayCharge,
    Offer,
    OfferRedemption,
    OfferType,
    Plan,
    PlanGroup,
    ReferralReward,
    Transaction,
    UserPlan,
    Wallet,
)
from tests.factories import UserFactory


def staff_with(*codenames: str) -> User:
    user = UserFactory(is_staff=True, user_type=StaffType.ADMIN)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


def _txn(user, days_ago: int, **fields) -> Transaction:
    defaults = {
        "category": "service",
        "txn_type": "debit",
        "source": "recharge",
        "status": "success",
        "payment_method": "wallet",
        "phone_number": "+919800000001",
    }
    txn = Transaction.objects.create(user=user, **{**defaults, **fields})
    at = timezone.now() - timedelta(days=days_ago)
    Transaction.objects.filter(pk=txn.pk).update(created_at=at)
    txn.created_at = at
    return txn


@pytest.fixture
def shop():
    """Three subscribers, three plans, two offers, seven payments, plans, autopays, referrals.

    Money in the last 30 days: revenue (plan payments) t2 249 + t3 499 + t5 249 + t7 299
    = 1296.00; top-ups t1 1000.00; credits t1 + t6 = 1050.00; discounts 100.00;
    referral rewards 50.00; one failed payment (t4).
    """
    now = timezone.now()
    ann = UserFactory(username="ann", subscriber_type="prepaid")
    bob = UserFactory(username="bob", subscriber_type="postpaid")
    cid = UserFactory(username="cid", subscriber_type="prepaid", referral_code="CID123")
    group = PlanGroup.objects.create(group_name="Mobile")
    p1 = Plan.objects.create(
        plan_name="Unlimited 28", group=group, validity=28, price="299.00", most_popular=True
    )
    p2 = Plan.objects.create(
        plan_name="Postpaid 499", group=group, validity=30, price="499.00", plan_type="postpaid"
    )
    p3 = Plan.objects.create(plan_name="Old 99", validity=7, price="99.00", status="retired")
    festive = OfferType.objects.create(offer_type_name="Festive")
    o1 = Offer.objects.create(
        offer_name="Diwali 50",
        offer_type=festive,
        offer_validity=30,
        discount_value="50.00",
        valid_from=now - timedelta(days=1),
        valid_to=now + timedelta(days=29),
    )
    o2 = Offer.objects.create(
        offer_name="Summer 10%",
        offer_type=festive,
        offer_validity=30,
        discount_type="percentage",
        discount_value="10.00",
        max_discount="40.00",
        status="inactive",
        is_special=True,
        valid_from=now - timedelta(days=90),
        valid_to=now - timedelta(days=60),
    )
    Offer.objects.filter(pk=o1.pk).update(redemptions_count=2)
    t1 = _txn(
        ann,
        10,
        category="wallet",
        txn_type="credit",
        source="wallet_topup",
        amount="1000.00",
        payment_method="UPI",
        gateway="razorpay",
        gateway_reference="pay_1",
    )
    t2 = _txn(
        ann, 2, amount="249.00", gross_amount="299.00", discount_amount="50.00", plan=p1, offer=o1
    )
    t3 = _txn(bob, 1, amount="499.00", gross_amount="499.00", plan=p2, payment_method="UPI")
    t4 = _txn(
        bob,
        1,
        amount="499.00",
        plan=p2,
        status="failed",
        payment_method="Card",
        failure_reason='=HYPERLINK("http://evil.example")',
    )
    t5 = _txn(
        ann, 0, amount="249.00", gross_amount="299.00", discount_amount="50.00", plan=p1, offer=o1
    )
    t6 = _txn(
        cid, 0, category="referral", txn_type="credit", source="referral_reward", amount="50.00"
    )
    t6.payment_method = ""
    Transaction.objects.filter(pk=t6.pk).update(payment_method="")
    t7 = _txn(ann, 0, amount="299.00", gross_amount="299.00", plan=p1, source="autopay")
    up1 = UserPlan.objects.create(
        user=ann,
        plan=p1,
        transaction=t2,
        phone_number="+919800000001",
        valid_from=now - timedelta(days=2),
        valid_to=now + timedelta(days=26),
        status="active",
    )
    up2 = UserPlan.objects.create(
        user=bob,
        plan=p2,
        transaction=t3,
        phone_number="+919800000002",
        valid_from=now - timedelta(days=1),
        valid_to=now + timedelta(days=5),
        status="active",
    )
    up3 = UserPlan.objects.create(
        user=ann,
        plan=p1,
        transaction=t5,
        phone_number="+919800000001",
        activation_mode="queue",
        valid_from=now + timedelta(days=26),
        valid_to=now + timedelta(days=54),
        status="queued",
    )
    OfferRedemption.objects.create(offer=o1, user=ann, transaction=t2, discount_amount="50.00")
    OfferRedemption.objects.create(offer=o1, user=ann, transaction=t5, discount_amount="50.00")
    a1 = Autopay.objects.create(
        user=ann, plan=p1, phone_number="+919800000001", next_due_date=now + timedelta(days=28)
    )
    AutopayCharge.objects.create(autopay=a1, due_date=now, status="succeeded", transaction=t7)
    AutopayCharge.objects.create(
        autopay=a1, due_date=now - timedelta(days=28), status="failed", message="low balance"
    )
    a2 = Autopay.objects.create(
        user=bob,
        plan=p2,
        phone_number="+919800000002",
        next_due_date=now + timedelta(days=5),
        status="disabled",
        removed_at=now,
    )
    User.objects.filter(pk__in=[ann.pk, bob.pk]).update(referred_by=cid)
    rr1 = ReferralReward.objects.create(
        referrer=cid,
        referred=ann,
        reward_amount="50.00",
        status="earned",
        transaction=t6,
        claimed_at=now,
    )
    rr2 = ReferralReward.objects.create(referrer=cid, referred=bob, reward_amount="50.00")
    Wallet.objects.create(user=ann, balance=Decimal("203.00"))  # 1000 in, 797 spent
    return SimpleNamespace(**{k: v for k, v in locals().items() if k not in ("now", "festive")})
