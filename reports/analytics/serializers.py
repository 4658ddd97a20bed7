"""The shapes of the analytics replies: money as two-place strings, counts as integers."""

from rest_framework import serializers

from accounts.models import AccountStatus, StaffType, SubscriberType
from audit.models_backup import BackupStatus
from recharge.models import CatalogStatus, TxnStatus
from reports.analytics.window import WindowSerializer


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def _counts(name: str, keys) -> type[serializers.Serializer]:
    """An object with one integer per key (a status, a kind)."""
    return type(name, (serializers.Serializer,), {key: serializers.IntegerField() for key in keys})


AccountStatusCounts = _counts("AccountStatusCounts", AccountStatus.values)
SubscriberTypeCounts = _counts("SubscriberTypeCounts", SubscriberType.values)
StaffTypeCounts = _counts("StaffTypeCounts", StaffType.values)
BackupStatusCounts = _counts("BackupStatusCounts", BackupStatus.values)
CatalogStatusCounts = _counts("CatalogStatusCounts", CatalogStatus.values)
TxnStatusCounts = _counts("TxnStatusCounts", TxnStatus.values)


class _Windowed(serializers.Serializer):
    window = WindowSerializer()


# --- people ---------------------------------------------------------------------------------


class UserTotalsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    staff = serializers.IntegerField()
    subscribers = serializers.IntegerField()
    email_verified = serializers.IntegerField()
    phone_verified = serializers.IntegerField()
    two_factor_enabled = serializers.IntegerField()
    signups_in_window = serializers.IntegerField()


class SignupDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    signups = serializers.IntegerField()


class UsersAnalyticsSerializer(_Windowed):
    totals = UserTotalsSerializer()
    by_status = AccountStatusCounts()
    by_subscriber_type = SubscriberTypeCounts()
    series = SignupDaySerializer(many=True)


class ArchiveKindSerializer(SubscriberTypeCounts):
    staff = serializers.IntegerField()


class ArchivedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    archived = serializers.IntegerField()


class ArchivedMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    archived = serializers.IntegerField()


class UsersArchiveAnalyticsSerializer(_Windowed):
    archived_total = serializers.IntegerField()
    archived_in_window = serializers.IntegerField()
    by_kind = ArchiveKindSerializer()
    series = ArchivedDaySerializer(many=True)
    monthly = ArchivedMonthSerializer(many=True, help_text="The last 12 months, this one last.")


class AdminTotalsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    superusers = serializers.IntegerField()
    two_factor_enabled = serializers.IntegerField()
    signed_in_in_window = serializers.IntegerField()
    new_in_window = serializers.IntegerField()


class NewAdminDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    new_admins = serializers.IntegerField()


class AdminsAnalyticsSerializer(_Windowed):
    totals = AdminTotalsSerializer()
    by_status = AccountStatusCounts()
    by_staff_type = StaffTypeCounts()
    series = NewAdminDaySerializer(many=True)


class BackupDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    backups = serializers.IntegerField()
    completed = serializers.IntegerField()
    failed = serializers.IntegerField()
    size_bytes = serializers.IntegerField()


class BackupAnalyticsSerializer(_Windowed):
    total = serializers.IntegerField()
    in_window = serializers.IntegerField()
    by_status = BackupStatusCounts()
    completed_size_bytes = serializers.IntegerField()
    last_completed_at = serializers.DateTimeField(allow_null=True)
    success_rate = serializers.FloatField(help_text="Completed / (completed + failed).")
    series = BackupDaySerializer(many=True)


# --- recharge -------------------------------------------------------------------------------


class TxnTotalsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    recharges = serializers.IntegerField()
    topup_count = serializers.IntegerField()
    revenue = _money(help_text="Successful plan payments (recharges and autopay).")
    topups = _money(help_text="Successful wallet top-ups.")
    debits = _money()
    credits = _money()
    discounts = _money(help_text="Offer discounts on the revenue.")
    referral_rewards = _money()
    reversals = _money()


class PaymentMethodSerializer(serializers.Serializer):
    payment_method = serializers.CharField(help_text='"" for credits with no payment.')
    count = serializers.IntegerField()
    amount = _money()


class TxnDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField()
    revenue = _money()
    topups = _money()
    debits = _money()


class TransactionsAnalyticsSerializer(_Windowed):
    totals = TxnTotalsSerializer()
    by_status = TxnStatusCounts()
    success_rate = serializers.FloatField()
    by_payment_method = PaymentMethodSerializer(many=True)
    series = TxnDaySerializer(many=True)


class TopPlanSerializer(serializers.Serializer):
    plan_id = serializers.IntegerField()
    plan_name = serializers.CharField()
    subscriptions = serializers.IntegerField()
    revenue = _money()


class PlanDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    subscriptions = serializers.IntegerField()
    revenue = _money()


class PlansAnalyticsSerializer(_Windowed):
    total = serializers.IntegerField()
    most_popular = serializers.IntegerField()
    by_status = CatalogStatusCounts()
    by_plan_type = SubscriberTypeCounts()
    subscriptions_in_window = serializers.IntegerField()
    revenue_in_window = _money()
    top_plans = TopPlanSerializer(many=True)
    series = PlanDaySerializer(many=True)


class ActivePlanCountSerializer(serializers.Serializer):
    plan_id = serializers.IntegerField()
    plan_name = serializers.CharField()
    active = serializers.IntegerField()


class ActivationDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    activations = serializers.IntegerField()


class CurrentActivePlansAnalyticsSerializer(_Windowed):
    as_of = serializers.DateTimeField()
    active = serializers.IntegerField()
    queued = serializers.IntegerField()
    subscribers = serializers.IntegerField()
    expiring_in_7_days = serializers.IntegerField()
    by_plan_type = SubscriberTypeCounts()
    top_plans = ActivePlanCountSerializer(many=True)
    series = ActivationDaySerializer(many=True)


class TopOfferSerializer(serializers.Serializer):
    offer_id = serializers.IntegerField()
    offer_name = serializers.CharField()
    redemptions = serializers.IntegerField()
    discount = _money()


class OfferDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    redemptions = serializers.IntegerField()
    discount = _money()


class OffersAnalyticsSerializer(_Windowed):
    total = serializers.IntegerField()
    live_now = serializers.IntegerField()
    special = serializers.IntegerField()
    by_status = CatalogStatusCounts()
    redemptions_in_window = serializers.IntegerField()
    discount_in_window = _money()
    top_offers = TopOfferSerializer(many=True)
    series = OfferDaySerializer(many=True)


class ReferralTotalsSerializer(serializers.Serializer):
    referrals = serializers.IntegerField()
    earned = serializers.IntegerField()
    pending = serializers.IntegerField()
    rewards_paid = _money()
    referrals_in_window = serializers.IntegerField()
    earned_in_window = serializers.IntegerField()
    rewards_paid_in_window = _money()
    referred_users = serializers.IntegerField(help_text="Accounts that signed up with a code.")
    conversion_rate = serializers.FloatField(help_text="Earned / referrals.")


class TopReferrerSerializer(serializers.Serializer):
    referrer_id = serializers.IntegerField()
    username = serializers.CharField(allow_null=True)
    referrals = serializers.IntegerField()
    earned = serializers.IntegerField()
    rewards = _money()


class ReferralDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    referrals = serializers.IntegerField()
    earned = serializers.IntegerField()
    rewards_paid = _money()


class ReferralsAnalyticsSerializer(_Windowed):
    totals = ReferralTotalsSerializer()
    top_referrers = TopReferrerSerializer(many=True)
    series = ReferralDaySerializer(many=True)


# --- the caller's own -----------------------------------------------------------------------


class MyTotalsSerializer(serializers.Serializer):
    transactions = serializers.IntegerField()
    recharges = serializers.IntegerField()
    spent = _money()
    topped_up = _money()
    saved = _money(help_text="Offer discounts on what was spent.")
    referral_rewards = _money()


class MonthSpendSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    spent = _money()
    recharges = serializers.IntegerField()


class PlanUsedSerializer(serializers.Serializer):
    plan_id = serializers.IntegerField()
    plan_name = serializers.CharField()
    times = serializers.IntegerField()
    spent = _money()
    last_used_at = serializers.DateTimeField()


class MyActivePlanSerializer(serializers.Serializer):
    plan_id = serializers.IntegerField()
    plan_name = serializers.CharField()
    phone_number = serializers.CharField()
    valid_from = serializers.DateTimeField()
    valid_to = serializers.DateTimeField()


class MyReferralsSerializer(serializers.Serializer):
    referred = serializers.IntegerField()
    earned = serializers.IntegerField()
    rewards = _money()


class MyInsightSerializer(serializers.Serializer):
    wallet_balance = _money()
    totals = MyTotalsSerializer()
    spend_by_month = MonthSpendSerializer(many=True, help_text="Oldest month first.")
    plans_used = PlanUsedSerializer(many=True)
    active_plans = MyActivePlanSerializer(many=True)
    referrals = MyReferralsSerializer()


class MonthsQuerySerializer(serializers.Serializer):
    months = serializers.IntegerField(
        min_value=1, max_value=36, default=12, help_text="Months of spend, this one included."
    )
