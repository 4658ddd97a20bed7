"""Figures over the recharge product: money, plans, offers, subscriptions, referrals."""

from datetime import timedelta

from django.db.models import Count, F, Max, Q
from django.utils import timezone

from accounts.models import SubscriberType, User
from recharge import selectors
from recharge.models import (
    CatalogStatus,
    Offer,
    OfferRedemption,
    Plan,
    ReferralReward,
    ReferralStatus,
    TxnCategory,
    TxnSource,
    TxnStatus,
    TxnType,
    UserPlan,
    UserPlanStatus,
    Wallet,
)
from reports.analytics.aggregates import count, counts_by, money_sum, pick, rate
from reports.analytics.window import Window, daily, monthly

TOP = 10
SUCCESS = Q(status=TxnStatus.SUCCESS)
# What subscribers paid for plans (from the wallet or a gateway); a reversed payment
# turns `reversed` and so drops out.
REVENUE = SUCCESS & Q(
    category=TxnCategory.SERVICE,
    txn_type=TxnType.DEBIT,
    source__in=[TxnSource.RECHARGE, TxnSource.AUTOPAY],
)
TOPUP = SUCCESS & Q(source=TxnSource.WALLET_TOPUP)
DEBIT = SUCCESS & Q(txn_type=TxnType.DEBIT)
CREDIT = SUCCESS & Q(txn_type=TxnType.CREDIT)
REWARD = SUCCESS & Q(source=TxnSource.REFERRAL_REWARD)
REVERSAL = SUCCESS & Q(source=TxnSource.REVERSAL)
BOUGHT = ~Q(status=UserPlanStatus.CANCELLED)


def transactions(window: Window) -> dict:
    """Counts and sums of the window, by payment method, and per day: three queries."""
    in_window = selectors.transactions().filter(window.q("created_at"))
    totals = in_window.aggregate(
        count=Count("pk"),
        revenue=money_sum("amount", REVENUE),
        topups=money_sum("amount", TOPUP),
        debits=money_sum("amount", DEBIT),
        credits=money_sum("amount", CREDIT),
        discounts=money_sum("discount_amount", REVENUE),
        referral_rewards=money_sum("amount", REWARD),
        reversals=money_sum("amount", REVERSAL),
        recharges=count(REVENUE),
        topup_count=count(TOPUP),
        **counts_by("status", TxnStatus.values),
    )
    by_status = pick(totals, "status", TxnStatus.values)
    methods = (
        in_window.filter(SUCCESS)
        .order_by()
        .values("payment_method")
        .annotate(count=Count("pk"), amount=money_sum("amount"))
        .order_by("-count", "payment_method")
    )
    return {
        "window": window.as_dict(),
        "totals": totals,
        "by_status": by_status,
        "success_rate": rate(by_status[TxnStatus.SUCCESS], totals["count"]),
        "by_payment_method": list(methods),
        "series": daily(
            selectors.transactions(),
            "created_at",
            window,
            count=Count("pk"),
            revenue=money_sum("amount", REVENUE),
            topups=money_sum("amount", TOPUP),
            debits=money_sum("amount", DEBIT),
        ),
    }


def plans(window: Window) -> dict:
    """The catalogue by status and kind, the plans bought most, and per day: three queries."""
    totals = Plan.objects.aggregate(
        total=Count("pk"),
        most_popular=count(Q(most_popular=True)),
        **counts_by("status", CatalogStatus.values),
        **counts_by("plan_type", SubscriberType.values),
    )
    bought = selectors.user_plans().filter(BOUGHT, window.q("created_at"))
    top = (
        bought.order_by()
        .values("plan_id", plan_name=F("plan__plan_name"))
        .annotate(
            subscriptions=Count("pk"),
            revenue=money_sum("transaction__amount", Q(transaction__status=TxnStatus.SUCCESS)),
        )
        .order_by("-subscriptions", "plan_id")[:TOP]
    )
    series = daily(
        selectors.user_plans().filter(BOUGHT),
        "created_at",
        window,
        subscriptions=Count("pk"),
        revenue=money_sum("transaction__amount", Q(transaction__status=TxnStatus.SUCCESS)),
    )
    return {
        "window": window.as_dict(),
        "total": totals.pop("total"),
        "most_popular": totals.pop("most_popular"),
        "by_status": pick(totals, "status", CatalogStatus.values),
        "by_plan_type": pick(totals, "plan_type", SubscriberType.values),
        "subscriptions_in_window": sum(day["subscriptions"] for day in series),
        "revenue_in_window": sum(day["revenue"] for day in series),
        "top_plans": list(top),
        "series": series,
    }


def current_active_plans(window: Window) -> dict:
    """Plans running now, the plans most running, activations per day: three queries."""
    now = timezone.now()
    active = selectors.active_user_plans(now=now)
    # "Active" as the recharge app means it, whatever its rule becomes.
    running = Q(pk__in=active.values("pk"))
    totals = UserPlan.objects.aggregate(
        active=count(running),
        queued=count(Q(status=UserPlanStatus.QUEUED)),
        subscribers=count(running, "user", distinct=True),
        expiring_in_7_days=count(running & Q(valid_to__lte=now + timedelta(days=7))),
        **counts_by("plan__plan_type", SubscriberType.values, running),
    )
    top = (
        active.order_by()
        .values("plan_id", plan_name=F("plan__plan_name"))
        .annotate(active=Count("pk"))
        .order_by("-active", "plan_id")[:TOP]
    )
    return {
        "window": window.as_dict(),
        "as_of": now,
        "by_plan_type": pick(totals, "plan__plan_type", SubscriberType.values),
        **totals,
        "top_plans": list(top),
        "series": daily(
            selectors.user_plans().filter(BOUGHT), "valid_from", window, activations=Count("pk")
        ),
    }


def offers(window: Window) -> dict:
    """Offers by status, redemptions and discounts of the window, the top offers: three queries."""
    live = Q(pk__in=selectors.offers_on_show().values("pk"))
    totals = Offer.objects.aggregate(
        total=Count("pk"),
        live_now=count(live),
        special=count(Q(is_special=True)),
        **counts_by("status", CatalogStatus.values),
    )
    redeemed = OfferRedemption.objects.filter(window.q("created_at"))
    top = (
        redeemed.order_by()
        .values("offer_id", offer_name=F("offer__offer_name"))
        .annotate(redemptions=Count("pk"), discount=money_sum("discount_amount"))
        .order_by("-redemptions", "offer_id")[:TOP]
    )
    series = daily(
        OfferRedemption.objects.all(),
        "created_at",
        window,
        redemptions=Count("pk"),
        discount=money_sum("discount_amount"),
    )
    return {
        "window": window.as_dict(),
        "total": totals.pop("total"),
        "live_now": totals.pop("live_now"),
        "special": totals.pop("special"),
        "by_status": pick(totals, "status", CatalogStatus.values),
        "redemptions_in_window": sum(day["redemptions"] for day in series),
        "discount_in_window": sum(day["discount"] for day in series),
        "top_offers": list(top),
        "series": series,
    }


def referrals(window: Window) -> dict:
    """Referrals made and earned, conversion, the top referrers, and per day: five queries.

    Conversion is the share of referrals whose referee went on to recharge (earned).
    """
    earned = Q(status=ReferralStatus.EARNED)
    rewards = selectors.referral_rewards()
    totals = rewards.aggregate(
        referrals=Count("pk"),
        earned=count(earned),
        pending=count(Q(status=ReferralStatus.PENDING)),
        rewards_paid=money_sum("reward_amount", earned),
        referrals_in_window=count(window.q("created_at")),
        earned_in_window=count(earned & window.q("claimed_at")),
        rewards_paid_in_window=money_sum("reward_amount", earned & window.q("claimed_at")),
    )
    totals["referred_users"] = User.objects.filter(referred_by__isnull=False).count()
    totals["conversion_rate"] = rate(totals["earned"], totals["referrals"])
    top = (
        rewards.order_by()
        .values("referrer_id", username=F("referrer__username"))
        .annotate(
            referrals=Count("pk"),
            earned=count(earned),
            rewards=money_sum("reward_amount", earned),
        )
        .order_by("-referrals", "referrer_id")[:TOP]
    )
    made = daily(rewards, "created_at", window, referrals=Count("pk"))
    paid = daily(
        rewards.filter(earned),
        "claimed_at",
        window,
        earned=Count("pk"),
        rewards_paid=money_sum("reward_amount"),
    )
    return {
        "window": window.as_dict(),
        "totals": totals,
        "top_referrers": list(top),
        "series": [{**a, **b} for a, b in zip(made, paid, strict=True)],
    }


def my_insight(user, *, months: int = 12) -> dict:
    """A subscriber's own figures: spend by month, plans used, referrals: six queries."""
    mine = selectors.transactions().filter(user=user)
    balance = Wallet.objects.filter(user=user).values_list("balance", flat=True).first()
    totals = mine.aggregate(
        transactions=Count("pk"),
        spent=money_sum("amount", REVENUE),
        recharges=count(REVENUE),
        topped_up=money_sum("amount", TOPUP),
        saved=money_sum("discount_amount", REVENUE),
        referral_rewards=money_sum("amount", REWARD),
    )
    used = (
        selectors.user_plans()
        .filter(BOUGHT, user=user)
        .order_by()
        .values("plan_id", plan_name=F("plan__plan_name"))
        .annotate(
            times=Count("pk"),
            spent=money_sum("transaction__amount", Q(transaction__status=TxnStatus.SUCCESS)),
            last_used_at=Max("created_at"),
        )
        .order_by("-times", "-last_used_at")[:TOP]
    )
    active = (
        selectors.active_user_plans()
        .filter(user=user)
        .order_by("valid_to")
        .values("plan_id", "phone_number", "valid_from", "valid_to", plan_name=F("plan__plan_name"))
    )
    referred = ReferralReward.objects.filter(referrer=user).aggregate(
        referred=Count("pk"),
        earned=count(Q(status=ReferralStatus.EARNED)),
        rewards=money_sum("reward_amount", Q(status=ReferralStatus.EARNED)),
    )
    return {
        "wallet_balance": balance if balance is not None else 0,
        "totals": totals,
        "spend_by_month": monthly(
            mine, "created_at", months, spent=money_sum("amount", REVENUE), recharges=count(REVENUE)
        ),
        "plans_used": list(used),
        "active_plans": list(active[:TOP]),
        "referrals": referred,
    }
