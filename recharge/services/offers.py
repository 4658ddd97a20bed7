"""Administration of offer types and offers.

An offer someone redeemed is retired, never erased; names are unique whatever
their case.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from recharge.errors import InUse
from recharge.models import CatalogStatus, Offer, OfferRedemption, OfferType, Transaction
from recharge.services.catalog import ensure_unique_name, save_unique, snapshot

OFFER_FIELDS = (
    "offer_name",
    "offer_type_id",
    "offer_validity",
    "is_special",
    "description",
    "status",
    "discount_type",
    "discount_value",
    "max_discount",
    "min_amount",
    "first_recharge_only",
    "max_redemptions_per_user",
    "max_redemptions_total",
    "valid_from",
    "valid_to",
)


# --- Offer types ----------------------------------------------------------------


def offer_type_create(*, actor, offer_type_name: str) -> OfferType:
    ensure_unique_name(
        OfferType, "offer_type_name", offer_type_name, message="An offer type has this name."
    )
    with transaction.atomic():
        offer_type = OfferType(offer_type_name=offer_type_name.strip())
        save_unique(offer_type, force_insert=True)
        audit_record(
            action="recharge.offer_type_created",
            actor=actor,
            target=offer_type,
            after={"offer_type_name": offer_type.offer_type_name},
        )
    return offer_type


def offer_type_update(*, actor, offer_type: OfferType, offer_type_name: str) -> OfferType:
    ensure_unique_name(
        OfferType,
        "offer_type_name",
        offer_type_name,
        exclude_pk=offer_type.pk,
        message="An offer type has this name.",
    )
    with transaction.atomic():
        before = {"offer_type_name": offer_type.offer_type_name}
        offer_type.offer_type_name = offer_type_name.strip()
        save_unique(offer_type, update_fields=["offer_type_name", "updated_at"])
        audit_record(
            action="recharge.offer_type_updated",
            actor=actor,
            target=offer_type,
            before=before,
            after={"offer_type_name": offer_type.offer_type_name},
        )
    return offer_type


def offer_type_delete(*, actor, offer_type: OfferType) -> None:
    with transaction.atomic():
        if Offer.objects.filter(offer_type=offer_type).exists():
            raise InUse("Offers still use this offer type.")
        audit_record(
            action="recharge.offer_type_deleted",
            actor=actor,
            target=offer_type,
            before={"offer_type_name": offer_type.offer_type_name},
        )
        offer_type.delete()


# --- Offers ---------------------------------------------------------------------


def _offer_window(offer: Offer, data: dict) -> None:
    """Fill `valid_from`/`valid_to`: from the criteria when given, else from offer_validity."""
    if offer.valid_from is None:
        offer.valid_from = timezone.now()
    if "valid_to" not in data or data.get("valid_to") is None:
        offer.valid_to = offer.valid_from + timedelta(days=offer.offer_validity)
    if offer.valid_to <= offer.valid_from:
        raise ValidationError({"criteria": ["valid_to must be later than valid_from."]})


def _offer_snapshot(offer: Offer) -> dict:
    fields = snapshot(offer, OFFER_FIELDS)
    fields["eligible_plan_ids"] = sorted(offer.eligible_plans.values_list("pk", flat=True))
    return fields


def offer_create(*, actor, data: dict) -> Offer:
    data = dict(data)
    eligible = data.pop("eligible_plan_ids", None) or []
    with transaction.atomic():
        offer = Offer(**data)
        _offer_window(offer, data)
        offer.save(force_insert=True)
        offer.eligible_plans.set(eligible)
        audit_record(
            action="recharge.offer_created",
            actor=actor,
            target=offer,
            after=_offer_snapshot(offer),
        )
    return offer


def offer_update(*, actor, offer: Offer, data: dict) -> Offer:
    data = dict(data)
    eligible = data.pop("eligible_plan_ids", None)
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        before = _offer_snapshot(offer)
        for field, value in data.items():
            setattr(offer, field, value)
        if "offer_validity" in data or "valid_from" in data or "valid_to" in data:
            _offer_window(offer, data)
        cap = offer.max_redemptions_total
        if cap is not None and cap < offer.redemptions_count:
            raise ValidationError(
                {
                    "criteria": [
                        f"max_redemptions_total cannot be below the {offer.redemptions_count} "
                        "redemptions already made."
                    ]
                }
            )
        offer.save()
        if eligible is not None:
            offer.eligible_plans.set(eligible)
        audit_record(
            action="recharge.offer_updated",
            actor=actor,
            target=offer,
            before=before,
            after=_offer_snapshot(offer),
        )
    return offer


def offer_delete(*, actor, offer: Offer) -> str:
    """Erase an offer nobody has redeemed; retire one that was. Returns which."""
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        before = _offer_snapshot(offer)
        used = (
            OfferRedemption.objects.filter(offer=offer).exists()
            or Transaction.objects.filter(offer=offer).exists()
        )
        if used:
            offer.status = CatalogStatus.RETIRED
            offer.save(update_fields=["status", "updated_at"])
            audit_record(
                action="recharge.offer_retired",
                actor=actor,
                target=offer,
                before=before,
                after=_offer_snapshot(offer),
            )
            return "retired"
        audit_record(action="recharge.offer_deleted", actor=actor, target=offer, before=before)
        offer.delete()
        return "deleted"
