"""Reports over the recharge product: plans, offers, subscriptions, money, autopay, referrals."""

from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from recharge import selectors
from recharge.models import (
    Autopay,
    AutopayCharge,
    AutopayChargeStatus,
    Offer,
    Plan,
    TxnStatus,
    UserPlan,
    UserPlanStatus,
)
from reports.registry import Column, Filter, Report, register

STAFF = "reports.run_report"
_MONEY = DecimalField(max_digits=14, decimal_places=2)


def _count(rows, key: str):
    """How many of `rows` point at the outer row (through `key`), 0 when none."""
    counted = rows.filter(**{key: OuterRef("pk")}).order_by().values(key)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")[:1]), 0)


def _sum(rows, key: str, amount: str):
    summed = rows.filter(**{key: OuterRef("pk")}).order_by().values(key)
    return Coalesce(
        Subquery(summed.annotate(s=Sum(amount)).values("s")[:1], output_field=_MONEY),
        Value(Decimal("0.00")),
        output_field=_MONEY,
    )


# --- plans ---------------------------------------------------------------------------------------


def _plans(user):
    bought = UserPlan.objects.exclude(status=UserPlanStatus.CANCELLED)
    return Plan.objects.annotate(
        subscriptions=_count(bought, "plan"),
        active_subscriptions=_count(bought.filter(status=UserPlanStatus.ACTIVE), "plan"),
        revenue=_sum(
            bought.filter(transaction__status=TxnStatus.SUCCESS), "plan", "transaction__amount"
        ),
    )


register(
    Report(
        slug="plans-report",
        title="Plans",
        source=_plans,
        columns=(
            Column("plan_id", "id"),
            Column("plan_name", "plan_name"),
            Column("plan_type", "plan_type"),
            Column("group_id", "group_id"),
            Column("group_name", "group__group_name"),
            Column("validity", "validity"),
            Column("price", "price", money=True),
            Column("most_popular", "most_popular"),
            Column("status", "status"),
            Column("subscriptions", "subscriptions"),
            Column("active_subscriptions", "active_subscriptions"),
            Column("revenue", "revenue", money=True),
            Column("created_at", "created_at"),
            Column("updated_at", "updated_at"),
        ),
        filters={
            "plan_ids": Filter("pk__in", "ids"),
            "statuses": Filter("status__in", "strings"),
            "plan_types": Filter("plan_type__in", "strings"),
            "group_ids": Filter("group_id__in", "ids"),
            "most_popular": Filter("most_popular", "bool"),
            "plan_name": Filter("plan_name__icontains", "string"),
        },
        orderings={
            "created_at": "created_at",
            "plan_id": "id",
            "plan_name": "plan_name",
            "price": "price",
            "validity": "validity",
            "subscriptions": "subscriptions",
            "revenue": "revenue",
        },
        permission=STAFF,
    )
)


register(
    Report(
        slug="current-active-plans-report",
        title="Current active plans",
        # Active now: what the recharge app counts as live at the moment of the request.
        source=lambda user: selectors.active_user_plans(),
        columns=(
            Column("user_plan_id", "id"),
            Column("user_id", "user_id"),
            Column("username", "user__username"),
            Column("phone_number", "phone_number"),
            Column("plan_id", "plan_id"),
            Column("plan_name", "plan__plan_name"),
            Column("plan_type", "plan__plan_type"),
            Column("price", "plan__price", money=True),
            Column("amount_paid", "transaction__amount", money=True),
            Column("transaction_id", "transaction_id"),
            Column("activation_mode", "activation_mode"),
            Column("valid_from", "valid_from"),
            Column("valid_to", "valid_to"),
            Column("created_at", "created_at"),
        ),
        filters={
            "user_plan_ids": Filter("pk__in", "ids"),
            "user_ids": Filter("user_id__in", "ids"),
            "plan_ids": Filter("plan_id__in", "ids"),
            "plan_types": Filter("plan__plan_type__in", "strings"),
            "phone_number": Filter("phone_number__icontains", "string"),
        },
        orderings={
            "created_at": "created_at",
            "valid_from": "valid_from",
            "valid_to": "valid_to",
            "plan_id": "plan_id",
            "user_id": "user_id",
        },
        default_order="valid_to",
        date_field="valid_from",
        permission=STAFF,
    )
)


# --- offers --------------------------------------------------------------------------------------

register(
    Report(
        slug="offers-report",
        title="Offers",
        source=lambda user: Offer.objects.annotate(
            discount_given=Coalesce(
                Sum("redemptions__discount_amount"), Value(Decimal("0.00")), output_field=_MONEY
            )
        ),
        columns=(
            Column("offer_id", "id"),
            Column("offer_name", "offer_name"),
            Column("offer_type_id", "offer_type_id"),
            Column("offer_type", "offer_type__offer_type_name"),
            Column("status", "status"),
            Column("is_special", "is_special"),
            Column("discount_type", "discount_type"),
            Column("discount_value", "discount_value", money=True),
            Column("max_discount", "max_discount", money=True),
            Column("min_amount", "min_amount", money=True),
            Column("first_recharge_only", "first_recharge_only"),
            Column("max_redemptions_per_user", "max_redemptions_per_user"),
            Column("max_redemptions_total", "max_redemptions_total"),
            Column("redemptions_count", "redemptions_count"),
            Column("discount_given", "discount_given", money=True),
            Column("offer_validity", "offer_validity"),
            Column("valid_from", "valid_from"),
            Column("valid_to", "valid_to"),
            Column("created_at", "created_at"),
        ),
        filters={
            "offer_ids": Filter("pk__in", "ids"),
            "statuses": Filter("status__in", "strings"),
            "offer_type_ids": Filter("offer_type_id__in", "ids"),
            "discount_types": Filter("discount_type__in", "strings"),
            "is_special": Filter("is_special", "bool"),
            "offer_name": Filter("offer_name__icontains", "string"),
        },
        orderings={
            "created_at": "created_at",
            "offer_id": "id",
            "offer_name": "offer_name",
            "valid_from": "valid_from",
            "valid_to": "valid_to",
            "redemptions_count": "redemptions_count",
            "discount_given": "discount_given",
        },
        permission=STAFF,
    )
)


# --- money ---------------------------------------------------------------------------------------

_TXN_COLUMNS = (
    Column("transaction_id", "id"),
    Column("reference", "reference"),
    Column("category", "category"),
    Column("txn_type", "txn_type"),
    Column("source", "source"),
    Column("status", "status"),
    Column("amount", "amount", money=True),
    Column("gross_amount", "gross_amount", money=True),
    Column("discount_amount", "discount_amount", money=True),
    Column("payment_method", "payment_method"),
    Column("service_type", "service_type"),
    Column("phone_number", "phone_number"),
    Column("plan_id", "plan_id"),
    Column("plan_name", "plan__plan_name"),
    Column("offer_id", "offer_id"),
    Column("offer_name", "offer__offer_name"),
    Column("reverses_id", "reverses_id"),
    Column("failure_reason", "failure_reason"),
    Column("created_at", "created_at"),
)
_TXN_FILTERS = {
    "transaction_ids": Filter("pk__in", "ids"),
    "statuses": Filter("status__in", "strings"),
    "categories": Filter("category__in", "strings"),
    "txn_types": Filter("txn_type__in", "strings"),
    "sources": Filter("source__in", "strings"),
    "payment_methods": Filter("payment_method__in", "strings"),
    "plan_ids": Filter("plan_id__in", "ids"),
    "offer_ids": Filter("offer_id__in", "ids"),
    "phone_number": Filter("phone_number__icontains", "string"),
}
_TXN_ORDERINGS = {
    "created_at": "created_at",
    "transaction_id": "id",
    "amount": "amount",
    "status": "status",
}

register(
    Report(
        slug="transactions-report",
        title="Transactions",
        source=lambda user: selectors.transactions(),
        columns=(
            *_TXN_COLUMNS[:2],
            Column("user_id", "user_id"),
            Column("username", "user__username"),
            *_TXN_COLUMNS[2:],
            Column("gateway", "gateway"),
            Column("gateway_reference", "gateway_reference"),
            Column("updated_at", "updated_at"),
        ),
        filters={**_TXN_FILTERS, "user_ids": Filter("user_id__in", "ids")},
        orderings={**_TXN_ORDERINGS, "user_id": "user_id"},
        permission=STAFF,
    )
)

register(
    Report(
        slug="me-transactions-report",
        title="My transactions",
        # Scoped here, once: whoever calls sees only their own payments.
        source=lambda user: selectors.transactions().filter(user=user),
        columns=_TXN_COLUMNS,
        filters=_TXN_FILTERS,
        orderings=_TXN_ORDERINGS,
        permission=None,
        url="me/transactions-report",
    )
)


# --- autopay and referrals -----------------------------------------------------------------------

register(
    Report(
        slug="autopay-report",
        title="Autopay",
        source=lambda user: Autopay.objects.annotate(
            charges_succeeded=_count(
                AutopayCharge.objects.filter(status=AutopayChargeStatus.SUCCEEDED), "autopay"
            ),
            charges_failed=_count(
                AutopayCharge.objects.filter(status=AutopayChargeStatus.FAILED), "autopay"
            ),
        ),
        columns=(
            Column("autopay_id", "id"),
            Column("user_id", "user_id"),
            Column("username", "user__username"),
            Column("phone_number", "phone_number"),
            Column("plan_id", "plan_id"),
            Column("plan_name", "plan__plan_name"),
            Column("price", "plan__price", money=True),
            Column("tag", "tag"),
            Column("status", "status"),
            Column("next_due_date", "next_due_date"),
            Column("failure_count", "failure_count"),
            Column("retry_at", "retry_at"),
            Column("last_failure_reason", "last_failure_reason"),
            Column("last_charged_at", "last_charged_at"),
            Column("charges_succeeded", "charges_succeeded"),
            Column("charges_failed", "charges_failed"),
            Column("removed_at", "removed_at"),
            Column("created_at", "created_at"),
        ),
        filters={
            "autopay_ids": Filter("pk__in", "ids"),
            "user_ids": Filter("user_id__in", "ids"),
            "plan_ids": Filter("plan_id__in", "ids"),
            "statuses": Filter("status__in", "strings"),
            "not_removed": Filter("removed_at__isnull", "bool"),
            "phone_number": Filter("phone_number__icontains", "string"),
        },
        orderings={
            "created_at": "created_at",
            "autopay_id": "id",
            "next_due_date": "next_due_date",
            "last_charged_at": "last_charged_at",
            "failure_count": "failure_count",
            "user_id": "user_id",
        },
        permission=STAFF,
    )
)

register(
    Report(
        slug="referral-report",
        title="Referrals",
        source=lambda user: selectors.referral_rewards(),
        columns=(
            Column("referral_id", "id"),
            Column("referrer_id", "referrer_id"),
            Column("referrer_username", "referrer__username"),
            Column("referral_code", "referrer__referral_code"),
            Column("referred_id", "referred_id"),
            Column("referred_username", "referred__username"),
            Column("referred_joined_at", "referred__date_joined"),
            Column("reward_amount", "reward_amount", money=True),
            Column("status", "status"),
            Column("transaction_id", "transaction_id"),
            Column("created_at", "created_at"),
            Column("claimed_at", "claimed_at"),
        ),
        filters={
            "referral_ids": Filter("pk__in", "ids"),
            "referrer_ids": Filter("referrer_id__in", "ids"),
            "referred_ids": Filter("referred_id__in", "ids"),
            "statuses": Filter("status__in", "strings"),
        },
        orderings={
            "created_at": "created_at",
            "claimed_at": "claimed_at",
            "reward_amount": "reward_amount",
            "referrer_id": "referrer_id",
            "referral_id": "id",
        },
        permission=STAFF,
    )
)
