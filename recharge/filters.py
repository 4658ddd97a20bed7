"""Query filters of the recharge lists, named as seed 004 names the fields."""

import django_filters as df

from recharge.models import (
    Autopay,
    Offer,
    OfferType,
    Plan,
    PlanGroup,
    ReferralReward,
    Transaction,
    UserPlan,
)


class PlanGroupFilter(df.FilterSet):
    group_name = df.CharFilter(lookup_expr="icontains")

    class Meta:
        model = PlanGroup
        fields = ["group_name"]


class PlanFilter(df.FilterSet):
    plan_name = df.CharFilter(lookup_expr="icontains")
    group_id = df.NumberFilter(field_name="group_id")
    min_price = df.NumberFilter(field_name="price", lookup_expr="gte")
    max_price = df.NumberFilter(field_name="price", lookup_expr="lte")
    validity = df.NumberFilter()

    class Meta:
        model = Plan
        fields = ["plan_name", "plan_type", "status", "group_id", "most_popular", "validity"]


class OfferTypeFilter(df.FilterSet):
    offer_type_name = df.CharFilter(lookup_expr="icontains")

    class Meta:
        model = OfferType
        fields = ["offer_type_name"]


class OfferFilter(df.FilterSet):
    offer_name = df.CharFilter(lookup_expr="icontains")
    offer_type_id = df.NumberFilter(field_name="offer_type_id")

    class Meta:
        model = Offer
        fields = ["offer_name", "offer_type_id", "status", "is_special", "discount_type"]


class TransactionFilter(df.FilterSet):
    user_id = df.NumberFilter(field_name="user_id")
    plan_id = df.NumberFilter(field_name="plan_id")
    offer_id = df.NumberFilter(field_name="offer_id")
    created_from = df.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_to = df.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = Transaction
        fields = [
            "user_id",
            "plan_id",
            "offer_id",
            "category",
            "txn_type",
            "source",
            "status",
            "payment_method",
        ]


class MyTransactionFilter(TransactionFilter):
    class Meta(TransactionFilter.Meta):
        fields = ["category", "txn_type", "source", "status", "payment_method", "plan_id"]


class UserPlanFilter(df.FilterSet):
    user_id = df.NumberFilter(field_name="user_id")
    plan_id = df.NumberFilter(field_name="plan_id")
    phone_number = df.CharFilter(field_name="phone_number", lookup_expr="endswith")

    class Meta:
        model = UserPlan
        fields = ["user_id", "plan_id", "phone_number", "status"]


class AutopayFilter(df.FilterSet):
    user_id = df.NumberFilter(field_name="user_id")
    plan_id = df.NumberFilter(field_name="plan_id")
    phone_number = df.CharFilter(field_name="phone_number", lookup_expr="endswith")
    tag = df.CharFilter(lookup_expr="iexact")
    due_before = df.IsoDateTimeFilter(field_name="next_due_date", lookup_expr="lte")

    class Meta:
        model = Autopay
        fields = ["user_id", "plan_id", "phone_number", "tag", "status"]


class ReferralRewardFilter(df.FilterSet):
    referrer_id = df.NumberFilter(field_name="referrer_id")
    referred_id = df.NumberFilter(field_name="referred_id")

    class Meta:
        model = ReferralReward
        fields = ["referrer_id", "referred_id", "status"]
