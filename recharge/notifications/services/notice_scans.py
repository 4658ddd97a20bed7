"""The scheduled search for system events not told yet (`system_notices_scan`).

It looks at the events of the last `RECHARGE_NOTICE_LOOKBACK_HOURS`: rows of
other transactions can commit out of order, so a window rather than a cursor;
the unique notice rows make looking twice harmless. Each kind is one query for
its candidates (those told already are left out in SQL) and one for their
owners' preferences.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.money import money
from recharge.models import (
    AutopayCharge,
    AutopayChargeStatus,
    LedgerEntry,
    ReferralReward,
    ReferralStatus,
    UserPlan,
    UserPlanStatus,
    Wallet,
)
from recharge.notifications.models import SystemEvent, SystemNotice
from recharge.notifications.services.announcements import REACHABLE
from recharge.notifications.services.notices import (
    notify_autopay_charged,
    notify_autopay_failed,
    notify_low_balance,
    notify_plan_expiring,
    notify_referral_earned,
    preferences_of,
)

EXPIRY_WINDOWS = (3, 1)  # days before a plan ends


def low_balance_threshold() -> Decimal:
    return money(getattr(settings, "RECHARGE_LOW_BALANCE_THRESHOLD", "50.00"))


def lookback() -> timedelta:
    return timedelta(hours=getattr(settings, "RECHARGE_NOTICE_LOOKBACK_HOURS", 48))


def _told(event: str, *, user: str, object_id: str = "pk", window: str = "") -> Exists:
    return Exists(
        SystemNotice.objects.filter(
            user_id=OuterRef(user), event=event, object_id=OuterRef(object_id), window=window
        )
    )


def _each(rows, user_of, notify) -> int:
    rows = list(rows)
    preferences = preferences_of(user_of(row).pk for row in rows)
    return sum(notify(row, preferences[user_of(row).pk]) is not None for row in rows)


def scan_autopay_charges(*, now, limit: int) -> int:
    recent = AutopayCharge.objects.filter(
        updated_at__gte=now - lookback(), autopay__user__status__in=REACHABLE
    ).select_related("autopay__user", "autopay__plan", "transaction")
    charged = recent.filter(status=AutopayChargeStatus.SUCCEEDED).exclude(
        _told(SystemEvent.AUTOPAY_CHARGED, user="autopay__user_id")
    )
    failed = recent.filter(status=AutopayChargeStatus.FAILED).exclude(
        _told(SystemEvent.AUTOPAY_FAILED, user="autopay__user_id")
    )
    told = _each(
        charged.order_by("pk")[:limit],
        lambda charge: charge.autopay.user,
        lambda charge, pref: notify_autopay_charged(charge=charge, preference=pref),
    )
    return told + _each(
        failed.order_by("pk")[:limit],
        lambda charge: charge.autopay.user,
        lambda charge, pref: notify_autopay_failed(charge=charge, preference=pref),
    )


def scan_referral_rewards(*, now, limit: int) -> int:
    rewards = (
        ReferralReward.objects.filter(
            status=ReferralStatus.EARNED,
            claimed_at__gte=now - lookback(),
            referrer__status__in=REACHABLE,
        )
        .exclude(_told(SystemEvent.REFERRAL_EARNED, user="referrer_id"))
        .select_related("referrer")
        .order_by("pk")[:limit]
    )
    return _each(
        rewards,
        lambda reward: reward.referrer,
        lambda reward, pref: notify_referral_earned(reward=reward, preference=pref),
    )


def scan_low_balances(*, now, limit: int) -> int:
    """Wallets below the threshold, told once for each time the balance fell below it."""
    threshold = low_balance_threshold()
    last_high = (
        LedgerEntry.objects.filter(wallet_id=OuterRef("pk"), balance_after__gte=threshold)
        .order_by("-pk")
        .values("pk")[:1]
    )
    crossing = (
        LedgerEntry.objects.filter(wallet_id=OuterRef("pk"), pk__gt=OuterRef("last_high"))
        .order_by("pk")
        .values("pk")[:1]
    )
    wallets = (
        Wallet.objects.filter(
            balance__lt=threshold,
            updated_at__gte=now - lookback(),
            user__status__in=REACHABLE,
        )
        .annotate(last_high=Coalesce(Subquery(last_high), Value(0)))
        .annotate(crossing=Subquery(crossing))
        .filter(crossing__isnull=False)
        .exclude(_told(SystemEvent.LOW_BALANCE, user="user_id", object_id="crossing"))
        .select_related("user")
        .order_by("pk")[:limit]
    )
    return _each(
        wallets,
        lambda wallet: wallet.user,
        lambda wallet, pref: notify_low_balance(
            wallet=wallet, entry_id=wallet.crossing, preference=pref
        ),
    )


def scan_expiring_plans(*, now, limit: int) -> int:
    """Active plans ending within 3 days and within 1 day, unless a later plan follows them."""
    told = 0
    followed = UserPlan.objects.filter(
        phone_number=OuterRef("phone_number"),
        status__in=[UserPlanStatus.ACTIVE, UserPlanStatus.QUEUED],
        valid_to__gt=OuterRef("valid_to"),
    )
    for index, days in enumerate(EXPIRY_WINDOWS):
        nearer = EXPIRY_WINDOWS[index + 1] if index + 1 < len(EXPIRY_WINDOWS) else 0
        plans = (
            UserPlan.objects.filter(
                status=UserPlanStatus.ACTIVE,
                valid_to__gt=now + timedelta(days=nearer),
                valid_to__lte=now + timedelta(days=days),
                # A plan shorter than the window would be "expiring" as soon as bought.
                valid_from__lt=F("valid_to") - timedelta(days=days),
                user__status__in=REACHABLE,
            )
            .exclude(Exists(followed))
            .exclude(_told(SystemEvent.PLAN_EXPIRING, user="user_id", window=f"{days}d"))
            .select_related("user", "plan")
            .order_by("pk")[:limit]
        )
        told += _each(
            plans,
            lambda plan: plan.user,
            lambda plan, pref, days=days: notify_plan_expiring(
                user_plan=plan, days=days, preference=pref
            ),
        )
    return told


def system_notices_scan(*, now=None, limit: int = 1000) -> dict:
    """Tell every event not told yet (at most `limit` of each kind): the scheduled job's work."""
    now = now or timezone.now()
    return {
        "autopay": scan_autopay_charges(now=now, limit=limit),
        "referral": scan_referral_rewards(now=now, limit=limit),
        "low_balance": scan_low_balances(now=now, limit=limit),
        "plan_expiring": scan_expiring_plans(now=now, limit=limit),
    }
