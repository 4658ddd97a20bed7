"""Referral rewards: pending when a referee signs up, earned on their first paid recharge.

The reward is credited to the referrer's wallet in its own transaction, after
the referee's recharge commits: the change from pending to earned (under the
reward's row lock) and the credit commit together, so a reward is credited
once however often the grant runs (after each recharge, when accounts
announces a referral, and by the periodic settlement).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from config.money import money
from config.tasks import enqueue_on_commit
from recharge.models import (
    ReferralReward,
    ReferralStatus,
    Transaction,
    TxnCategory,
    TxnSource,
    TxnStatus,
    TxnType,
)
from recharge.services.wallet import wallet_credit


def reward_amount() -> Decimal:
    return money(getattr(settings, "RECHARGE_REFERRAL_REWARD_AMOUNT", "50.00"))


def _paid_recharge():
    return Transaction.objects.filter(
        user_id=OuterRef("referred_id"),
        category=TxnCategory.SERVICE,
        status=TxnStatus.SUCCESS,
        amount__gt=0,
    )


def referral_pending_record(*, referee: User) -> ReferralReward | None:
    """The referee's reward for whoever referred them; created once, pending."""
    referrer_id = referee.referred_by_id
    if referrer_id is None:
        return None
    if referrer_id == referee.pk:
        raise ValidationError({"referee_code": ["Nobody can refer themselves."]})
    existing = ReferralReward.objects.filter(referred=referee).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            reward = ReferralReward.objects.create(
                referrer_id=referrer_id, referred=referee, reward_amount=reward_amount()
            )
            audit_record(
                action="recharge.referral_reward_pending",
                target=reward,
                after={
                    "referrer_id": referrer_id,
                    "referred_id": referee.pk,
                    "reward_amount": str(reward.reward_amount),
                },
            )
            return reward
    except IntegrityError:
        # A concurrent request recorded it first: there is still exactly one.
        return ReferralReward.objects.get(referred=referee)


def referral_after_paid_recharge(*, referee: User) -> None:
    """Call inside a paid recharge's transaction: the reward is settled after it commits.

    Nothing is written here, so the recharge takes no lock for the reward.
    """
    if referee.referred_by_id is None or referee.referred_by_id == referee.pk:
        return
    if ReferralReward.objects.filter(referred_id=referee.pk, status=ReferralStatus.EARNED).exists():
        return
    enqueue_on_commit("recharge.tasks.referral_settle", referee.pk)


def referral_settle_for(*, referee_id: int) -> bool:
    """Record the referee's reward if missing, and credit it if earned. True if credited now."""
    referee = User.objects.filter(pk=referee_id).first()
    if referee is None:
        return False
    reward = referral_pending_record(referee=referee)
    if reward is None or reward.status != ReferralStatus.PENDING:
        return False
    return referral_reward_grant(reward_id=reward.pk)


def referral_reward_grant(*, reward_id: int) -> bool:
    """Credit a pending reward whose referee has made a paid recharge. True if credited now."""
    with transaction.atomic():
        reward = (
            ReferralReward.objects.select_for_update()
            .filter(pk=reward_id, status=ReferralStatus.PENDING)
            .filter(Exists(_paid_recharge()))
            .first()
        )
        if reward is None:
            return False
        txn = Transaction.objects.create(
            user_id=reward.referrer_id,
            category=TxnCategory.REFERRAL,
            txn_type=TxnType.CREDIT,
            amount=reward.reward_amount,
            source=TxnSource.REFERRAL_REWARD,
            status=TxnStatus.SUCCESS,
        )
        wallet_credit(
            user_id=reward.referrer_id,
            amount=reward.reward_amount,
            txn=txn,
            description=f"Referral reward for user {reward.referred_id}",
            audit_action="recharge.referral_reward_earned",
            audit_details={"reward_id": reward.pk, "referred_id": reward.referred_id},
        )
        reward.status = ReferralStatus.EARNED
        reward.claimed_at = timezone.now()
        reward.transaction = txn
        reward.save(update_fields=["status", "claimed_at", "transaction"])
    return True


def referrals_settle(*, limit: int = 1000) -> dict:
    """Record rewards for referees without one, and grant those already earned.

    The safety net behind `referral_on_paid_recharge`: a grant lost to a crash
    after the recharge committed is made here.
    """
    recorded = 0
    referees = (
        User.objects.filter(referred_by__isnull=False, referral_reward_as_referee__isnull=True)
        .exclude(referred_by=F("pk"))
        .order_by("pk")[:limit]
    )
    for referee in referees:
        if referral_pending_record(referee=referee):
            recorded += 1
    granted = 0
    pending = (
        ReferralReward.objects.filter(status=ReferralStatus.PENDING)
        .filter(Exists(_paid_recharge()))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for reward_id in list(pending):
        granted += referral_reward_grant(reward_id=reward_id)
    return {"recorded": recorded, "granted": granted}
