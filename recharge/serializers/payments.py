"""Top-ups, subscriptions, transactions and users' plans, as seed 004 shows them."""

from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from payments.serializers import PaymentSerializer
from recharge.models import (
    ActivationMode,
    FulfilmentStatus,
    PaymentMethod,
    Transaction,
    TxnCategory,
    TxnSource,
    TxnStatus,
    TxnType,
    UserPlan,
    UserPlanStatus,
)
from recharge.serializers.catalog import PlanBriefSerializer
from recharge.serializers.fields import PhoneNumberField, choice_field, choice_out, money_field

GATEWAY_METHODS = [m for m in PaymentMethod if m != PaymentMethod.WALLET]


def _topup_max() -> Decimal:
    return Decimal(str(getattr(settings, "RECHARGE_TOPUP_MAX_AMOUNT", "100000.00")))


class TopupSerializer(serializers.Serializer):
    amount = money_field(min_value=Decimal("1.00"))
    phone_number = PhoneNumberField(required=False, allow_blank=True)
    payment_method = choice_field(
        [(m.value, m.label) for m in GATEWAY_METHODS], default=PaymentMethod.UPI
    )

    def validate_amount(self, value: Decimal) -> Decimal:
        if value > _topup_max():
            raise serializers.ValidationError(f"A top-up is at most {_topup_max()}.")
        return value


class SubscribeSerializer(serializers.Serializer):
    phone_number = PhoneNumberField(
        required=False, help_text="The number to recharge; the caller's own by default."
    )
    plan_id = serializers.IntegerField(min_value=1)
    offer_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    payment_method = choice_field(
        PaymentMethod.choices,
        default=PaymentMethod.WALLET,
        help_text=(
            "`wallet` pays from the balance; UPI, Card and NetBanking go through the "
            "payment gateway."
        ),
    )
    source = choice_field([TxnSource.RECHARGE.value], default=TxnSource.RECHARGE)
    activation_mode = serializers.ChoiceField(
        choices=ActivationMode.choices, default=ActivationMode.ACTIVATE
    )

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("phone_number"):
            user = self.context["request"].user
            if not user.mobile:
                raise serializers.ValidationError(
                    {"phone_number": ["Give the number to recharge."]}
                )
            attrs["phone_number"] = user.mobile
        return attrs


class TransactionSerializer(serializers.ModelSerializer):
    txn_id = serializers.IntegerField(source="pk", read_only=True)
    amount = money_field(read_only=True)
    gross_amount = money_field(read_only=True, allow_null=True)
    discount_amount = money_field(read_only=True)
    plan_id = serializers.IntegerField(read_only=True, allow_null=True)
    offer_id = serializers.IntegerField(read_only=True, allow_null=True)
    phone_number = PhoneNumberField(read_only=True)
    user_id = serializers.IntegerField(read_only=True)
    category = choice_out(TxnCategory.choices)
    txn_type = choice_out(TxnType.choices)
    source = choice_out(TxnSource.choices)
    status = choice_out(TxnStatus.choices)
    payment_method = choice_out(PaymentMethod.choices)
    payment = PaymentSerializer(
        read_only=True,
        allow_null=True,
        help_text=(
            "The provider payment behind a UPI, card or net-banking purchase (null when paid "
            "from the wallet): while `pending`, `key_id`, `order_id` and `checkout_url` say "
            "how to pay it."
        ),
    )
    fulfilment_status = serializers.SerializerMethodField(
        help_text=(
            "For a plan: its delivery to the operator (" + ", ".join(FulfilmentStatus.values) + ")."
        )
    )

    class Meta:
        model = Transaction
        fields = (
            "txn_id",
            "user_id",
            "category",
            "txn_type",
            "amount",
            "gross_amount",
            "discount_amount",
            "service_type",
            "plan_id",
            "offer_id",
            "phone_number",
            "source",
            "status",
            "payment_method",
            "failure_reason",
            "created_at",
            "payment",
            "fulfilment_status",
        )
        read_only_fields = fields

    def get_fulfilment_status(self, txn: Transaction) -> str | None:
        fulfilment = getattr(txn, "fulfilment", None)
        return fulfilment.status if fulfilment is not None else None


class StaffCreditSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(min_value=1)
    amount = money_field(min_value=Decimal("0.01"))
    reason = serializers.CharField(max_length=200)

    def validate_amount(self, value: Decimal) -> Decimal:
        if value > _topup_max():
            raise serializers.ValidationError(f"A credit is at most {_topup_max()}.")
        return value


class UserPlanSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(read_only=True)
    plan_id = serializers.IntegerField(read_only=True)
    txn_id = serializers.IntegerField(source="transaction_id", read_only=True)
    phone_number = PhoneNumberField(read_only=True)
    status = serializers.SerializerMethodField(
        help_text="One of: " + ", ".join(UserPlanStatus.values) + "."
    )
    plan = PlanBriefSerializer(read_only=True)

    class Meta:
        model = UserPlan
        fields = (
            "id",
            "user_id",
            "plan_id",
            "txn_id",
            "phone_number",
            "activation_mode",
            "valid_from",
            "valid_to",
            "status",
            "plan",
        )
        read_only_fields = fields

    def get_status(self, user_plan: UserPlan) -> str:
        # Between two runs of the expiry job a plan's time may already be up.
        now = timezone.now()
        if user_plan.status in (UserPlanStatus.ACTIVE, UserPlanStatus.QUEUED):
            if user_plan.valid_to <= now:
                return UserPlanStatus.EXPIRED
            if user_plan.valid_from <= now:
                return UserPlanStatus.ACTIVE
        return user_plan.status
