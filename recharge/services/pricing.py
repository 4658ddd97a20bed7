"""What a subscription costs: the plan's price less the offer its criteria allow."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, Q

from config.money import ZERO, money
from recharge.models import (
    CatalogStatus,
    DiscountType,
    Offer,
    OfferRedemption,
    Plan,
    Transaction,
    TxnCategory,
    TxnStatus,
)


@dataclass(frozen=True)
class Quote:
    price: Decimal
    discount: Decimal
    amount: Decimal


def _refuse(message: str):
    raise ValidationError({"offer_id": [message]})


def offer_discount(offer: Offer, price: Decimal) -> Decimal:
    if offer.discount_type == DiscountType.PERCENTAGE:
        discount = money(price * offer.discount_value / 100)
    else:
        discount = money(offer.discount_value)
    if offer.max_discount is not None:
        discount = min(discount, money(offer.max_discount))
    return max(ZERO, min(discount, money(price)))


def has_recharged(*, user_id: int) -> bool:
    return Transaction.objects.filter(
        user_id=user_id,
        category=TxnCategory.SERVICE,
        status__in=[TxnStatus.SUCCESS, TxnStatus.REVERSED],
    ).exists()


def price_quote(*, user_id: int, plan: Plan, offer: Offer | None, now) -> Quote:
    """The price, and the discount of `offer` if its criteria allow it for this purchase.

    Per-user criteria (first recharge, per-user cap) are only final while the
    caller holds the user's wallet lock; the total cap is taken by
    `offer_redeem` with a conditional UPDATE.
    """
    price = money(plan.price)
    if offer is None:
        return Quote(price=price, discount=ZERO, amount=price)
    if offer.status != CatalogStatus.ACTIVE:
        _refuse("This offer is not available.")
    if not (offer.valid_from <= now < offer.valid_to):
        _refuse("This offer is not valid at this time.")
    eligible = offer.eligible_plans.values_list("pk", flat=True)
    if eligible.exists() and plan.pk not in set(eligible):
        _refuse("This offer does not apply to this plan.")
    if price < offer.min_amount:
        _refuse(f"This offer needs a purchase of at least {money(offer.min_amount)}.")
    if offer.first_recharge_only and has_recharged(user_id=user_id):
        _refuse("This offer is for a first recharge only.")
    if offer.max_redemptions_per_user is not None:
        used = OfferRedemption.objects.filter(offer=offer, user_id=user_id).count()
        if used >= offer.max_redemptions_per_user:
            _refuse("You have already used this offer as often as it allows.")
    if offer.max_redemptions_total is not None and (
        offer.redemptions_count >= offer.max_redemptions_total
    ):
        _refuse("This offer has been fully redeemed.")
    discount = offer_discount(offer, price)
    return Quote(price=price, discount=discount, amount=price - discount)


def offer_redeem(*, offer: Offer, user_id: int, txn: Transaction, discount: Decimal) -> None:
    """Count one redemption against the total cap, atomically; refuse when it is reached."""
    taken = (
        Offer.objects.filter(pk=offer.pk)
        .filter(
            Q(max_redemptions_total__isnull=True)
            | Q(redemptions_count__lt=F("max_redemptions_total"))
        )
        .update(redemptions_count=F("redemptions_count") + 1)
    )
    if not taken:
        _refuse("This offer has been fully redeemed.")
    OfferRedemption.objects.create(
        offer=offer, user_id=user_id, transaction=txn, discount_amount=discount
    )
