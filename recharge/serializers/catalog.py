"""Plan groups, plans, offer types and offers, as seed 004 shows them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import SubscriberType
from recharge.models import CatalogStatus, DiscountType, Offer, OfferType, Plan, PlanGroup
from recharge.serializers.fields import (
    JSONObjectField,
    choice_field,
    choice_out,
    money_field,
    money_number_field,
)

EDITABLE_STATUSES = [CatalogStatus.ACTIVE, CatalogStatus.INACTIVE]


class PlanGroupSerializer(serializers.ModelSerializer):
    group_id = serializers.IntegerField(source="pk", read_only=True)
    group_name = serializers.CharField(max_length=100)

    class Meta:
        model = PlanGroup
        fields = ("group_id", "group_name", "created_at", "updated_at")
        read_only_fields = ("created_at", "updated_at")

    def validate_group_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Enter a name.")
        return value


class PlanSerializer(serializers.ModelSerializer):
    """A plan as administrators see it."""

    plan_id = serializers.IntegerField(source="pk", read_only=True)
    group_id = serializers.IntegerField(read_only=True, allow_null=True)
    price = money_number_field(read_only=True)
    criteria = JSONObjectField(read_only=True)
    status = choice_out(CatalogStatus.choices)

    class Meta:
        model = Plan
        fields = (
            "plan_id",
            "plan_name",
            "plan_type",
            "status",
            "price",
            "validity",
            "most_popular",
            "group_id",
            "description",
            "criteria",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class PlanWriteSerializer(serializers.Serializer):
    plan_name = serializers.CharField(max_length=150)
    validity = serializers.IntegerField(min_value=1, max_value=3650, help_text="Days.")
    most_popular = serializers.BooleanField(default=False)
    plan_type = serializers.ChoiceField(
        choices=SubscriberType.choices, default=SubscriberType.PREPAID
    )
    group_id = serializers.PrimaryKeyRelatedField(
        source="group", queryset=PlanGroup.objects.all(), required=False, allow_null=True
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    criteria = JSONObjectField(required=False, default=dict)
    price = money_field(min_value=0)
    status = choice_field(EDITABLE_STATUSES, default=CatalogStatus.ACTIVE)


class PlanPublicSerializer(serializers.ModelSerializer):
    plan_id = serializers.IntegerField(source="pk", read_only=True)
    group_id = serializers.IntegerField(read_only=True, allow_null=True)
    price = money_number_field(read_only=True)

    class Meta:
        model = Plan
        fields = (
            "plan_id",
            "plan_name",
            "plan_type",
            "price",
            "validity",
            "most_popular",
            "description",
            "group_id",
        )
        read_only_fields = fields


class PlanBriefSerializer(serializers.ModelSerializer):
    plan_id = serializers.IntegerField(source="pk", read_only=True)
    price = money_number_field(read_only=True)
    status = choice_out(CatalogStatus.choices)

    class Meta:
        model = Plan
        fields = ("plan_id", "plan_name", "plan_type", "status", "price", "validity", "created_at")
        read_only_fields = fields


class OfferTypeSerializer(serializers.ModelSerializer):
    offer_type_id = serializers.IntegerField(source="pk", read_only=True)
    offer_type_name = serializers.CharField(max_length=100)

    class Meta:
        model = OfferType
        fields = ("offer_type_id", "offer_type_name")

    def validate_offer_type_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Enter a name.")
        return value


class OfferCriteriaSerializer(serializers.Serializer):
    """The rules of an offer. Absent keys: no such rule (flat 0 discount, any plan, no cap)."""

    discount_type = choice_field(DiscountType.choices, required=False)
    discount_value = money_field(min_value=0, required=False)
    max_discount = money_field(min_value=0, required=False, allow_null=True)
    min_amount = money_field(min_value=0, required=False)
    eligible_plan_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=500
    )
    first_recharge_only = serializers.BooleanField(required=False)
    max_redemptions_per_user = serializers.IntegerField(
        min_value=1, required=False, allow_null=True
    )
    max_redemptions_total = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    valid_from = serializers.DateTimeField(required=False, allow_null=True)
    valid_to = serializers.DateTimeField(required=False, allow_null=True)

    def to_internal_value(self, data):
        # A misspelt rule ("max_discont") would otherwise be dropped and the offer
        # saved without it: more generous than its author meant.
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        key: ["Unknown criterion; see the list in the description."]
                        for key in unknown
                    }
                )
        return super().to_internal_value(data)

    def validate_eligible_plan_ids(self, value: list[int]) -> list[int]:
        value = sorted(set(value))
        found = set(Plan.objects.filter(pk__in=value).values_list("pk", flat=True))
        missing = [pk for pk in value if pk not in found]
        if missing:
            raise serializers.ValidationError(f"No such plans: {missing}.")
        return value

    def validate(self, attrs: dict) -> dict:
        if (
            attrs.get("discount_type") == DiscountType.PERCENTAGE
            and attrs.get("discount_value", 0) > 100
        ):
            raise serializers.ValidationError({"discount_value": ["A percentage is at most 100."]})
        start, end = attrs.get("valid_from"), attrs.get("valid_to")
        if start and end and end <= start:
            raise serializers.ValidationError({"valid_to": ["Must be later than valid_from."]})
        return attrs

    @staticmethod
    def of(offer: Offer) -> dict:
        return {
            "discount_type": offer.discount_type,
            "discount_value": f"{offer.discount_value:.2f}",
            "max_discount": f"{offer.max_discount:.2f}" if offer.max_discount is not None else None,
            "min_amount": f"{offer.min_amount:.2f}",
            "eligible_plan_ids": sorted(p.pk for p in offer.eligible_plans.all()),
            "first_recharge_only": offer.first_recharge_only,
            "max_redemptions_per_user": offer.max_redemptions_per_user,
            "max_redemptions_total": offer.max_redemptions_total,
            "valid_from": serializers.DateTimeField().to_representation(offer.valid_from),
            "valid_to": serializers.DateTimeField().to_representation(offer.valid_to),
        }


class OfferSerializer(serializers.ModelSerializer):
    """An offer as administrators see it."""

    offer_id = serializers.IntegerField(source="pk", read_only=True)
    offer_type = OfferTypeSerializer(read_only=True)
    criteria = serializers.SerializerMethodField()
    status = choice_out(CatalogStatus.choices)

    class Meta:
        model = Offer
        fields = (
            "offer_id",
            "offer_name",
            "offer_type",
            "offer_validity",
            "is_special",
            "description",
            "criteria",
            "status",
            "redemptions_count",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(OfferCriteriaSerializer)
    def get_criteria(self, offer: Offer) -> dict:
        return OfferCriteriaSerializer.of(offer)


class OfferPublicSerializer(OfferSerializer):
    class Meta(OfferSerializer.Meta):
        fields = (
            "offer_id",
            "offer_name",
            "offer_type",
            "offer_validity",
            "is_special",
            "description",
            "criteria",
        )
        read_only_fields = fields


class OfferWriteSerializer(serializers.Serializer):
    offer_name = serializers.CharField(max_length=150)
    offer_validity = serializers.IntegerField(min_value=1, max_value=3650, help_text="Days.")
    offer_type_id = serializers.PrimaryKeyRelatedField(
        source="offer_type", queryset=OfferType.objects.all()
    )
    is_special = serializers.BooleanField(default=False)
    criteria = OfferCriteriaSerializer(required=False)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    status = choice_field(EDITABLE_STATUSES, default=CatalogStatus.ACTIVE)

    def to_service(self) -> dict:
        """The validated data with the criteria spread into the offer's own fields."""
        data = dict(self.validated_data)
        data.update(data.pop("criteria", None) or {})
        return data
