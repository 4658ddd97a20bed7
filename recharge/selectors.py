"""Reads of the recharge app, with the joins their replies need."""

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from recharge.models import (
    Autopay,
    CatalogStatus,
    Offer,
    Plan,
    ReferralReward,
    Transaction,
    UserPlan,
    UserPlanStatus,
)


def plans_for_sale() -> QuerySet[Plan]:
    return Plan.objects.filter(status=CatalogStatus.ACTIVE)


def offers_with_rules() -> QuerySet[Offer]:
    return Offer.objects.select_related("offer_type").prefetch_related("eligible_plans")


def offers_on_show(*, now=None) -> QuerySet[Offer]:
    now = now or timezone.now()
    not_exhausted = Q(max_redemptions_total__isnull=True) | Q(
        redemptions_count__lt=F("max_redemptions_total")
    )
    return offers_with_rules().filter(
        not_exhausted, status=CatalogStatus.ACTIVE, valid_from__lte=now, valid_to__gt=now
    )


def transactions() -> QuerySet[Transaction]:
    return Transaction.objects.select_related("payment", "fulfilment")


def user_plans() -> QuerySet[UserPlan]:
    return UserPlan.objects.select_related("plan", "transaction")


def active_user_plans(*, now=None) -> QuerySet[UserPlan]:
    now = now or timezone.now()
    return user_plans().filter(status=UserPlanStatus.ACTIVE, valid_to__gt=now)


def autopays_of(user) -> QuerySet[Autopay]:
    return Autopay.objects.filter(user=user, removed_at__isnull=True)


def referral_rewards() -> QuerySet[ReferralReward]:
    return ReferralReward.objects.all()
