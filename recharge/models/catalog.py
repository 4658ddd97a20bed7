"""What can be bought: plan groups, plans, offer types and offers."""

from django.db import models
from django.db.models.functions import Lower

from accounts.models import SubscriberType
from config.money import MONEY
from recharge.choices import CatalogStatus


class DiscountType(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage of the price"
    FLAT = "flat", "Flat amount"


class PlanGroup(models.Model):
    group_name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(Lower("group_name"), name="recharge_plan_group_name_ci_unique")
        ]

    def __str__(self) -> str:
        return self.group_name


class Plan(models.Model):
    plan_name = models.CharField(max_length=150)
    plan_type = models.CharField(
        max_length=16, choices=SubscriberType.choices, default=SubscriberType.PREPAID
    )
    group = models.ForeignKey(
        PlanGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    validity = models.PositiveIntegerField(help_text="Days the plan lasts once active.")
    price = models.DecimalField(**MONEY)
    most_popular = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    criteria = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=CatalogStatus.choices, default=CatalogStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="recharge_plan_price_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(validity__gte=1), name="recharge_plan_validity_gte_1"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CatalogStatus.values),
                name="recharge_plan_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(plan_type__in=SubscriberType.values),
                name="recharge_plan_type_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "plan_type"])]

    def __str__(self) -> str:
        return self.plan_name


class OfferType(models.Model):
    offer_type_name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(
                Lower("offer_type_name"), name="recharge_offer_type_name_ci_unique"
            )
        ]

    def __str__(self) -> str:
        return self.offer_type_name


class Offer(models.Model):
    """A discount on a subscription, and the rules (`criteria`) that allow it."""

    offer_name = models.CharField(max_length=150)
    offer_type = models.ForeignKey(OfferType, on_delete=models.PROTECT, related_name="offers")
    offer_validity = models.PositiveIntegerField(help_text="Days the offer runs from valid_from.")
    is_special = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=CatalogStatus.choices, default=CatalogStatus.ACTIVE
    )
    # The criteria, one column each, so the database holds them to their rules.
    discount_type = models.CharField(
        max_length=16, choices=DiscountType.choices, default=DiscountType.FLAT
    )
    discount_value = models.DecimalField(**MONEY, default=0)
    max_discount = models.DecimalField(**MONEY, null=True, blank=True)
    min_amount = models.DecimalField(**MONEY, default=0)
    eligible_plans = models.ManyToManyField(
        Plan, blank=True, related_name="offers", help_text="None chosen: every plan."
    )
    first_recharge_only = models.BooleanField(default=False)
    max_redemptions_per_user = models.PositiveIntegerField(null=True, blank=True)
    max_redemptions_total = models.PositiveIntegerField(null=True, blank=True)
    redemptions_count = models.PositiveIntegerField(default=0, editable=False)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CatalogStatus.values),
                name="recharge_offer_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(discount_type__in=DiscountType.values),
                name="recharge_offer_discount_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(discount_value__gte=0), name="recharge_offer_discount_gte_0"
            ),
            models.CheckConstraint(
                condition=~models.Q(discount_type=DiscountType.PERCENTAGE)
                | models.Q(discount_value__lte=100),
                name="recharge_offer_percentage_lte_100",
            ),
            models.CheckConstraint(
                condition=models.Q(min_amount__gte=0), name="recharge_offer_min_amount_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(max_discount__isnull=True) | models.Q(max_discount__gte=0),
                name="recharge_offer_max_discount_gte_0",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__gt=models.F("valid_from")),
                name="recharge_offer_window_ordered",
            ),
            # The total cap holds even when two subscribers take the last redemption at once.
            models.CheckConstraint(
                condition=models.Q(max_redemptions_total__isnull=True)
                | models.Q(redemptions_count__lte=models.F("max_redemptions_total")),
                name="recharge_offer_redemptions_within_cap",
            ),
        ]
        indexes = [models.Index(fields=["status", "valid_to"])]

    def __str__(self) -> str:
        return self.offer_name
