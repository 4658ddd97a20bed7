"""Autopays and referral rewards, as seed 004 shows them."""

from rest_framework import serializers

from recharge.models import Autopay, AutopayStatus, Plan, ReferralReward, ReferralStatus
from recharge.serializers.fields import PhoneNumberField, choice_field, choice_out, money_field


class AutopaySerializer(serializers.ModelSerializer):
    autopay_id = serializers.IntegerField(source="pk", read_only=True)
    user_id = serializers.IntegerField(read_only=True)
    plan_id = serializers.IntegerField(read_only=True)
    phone_number = PhoneNumberField(read_only=True)
    status = choice_out(AutopayStatus.choices)

    class Meta:
        model = Autopay
        fields = (
            "autopay_id",
            "user_id",
            "plan_id",
            "status",
            "phone_number",
            "tag",
            "next_due_date",
            "failure_count",
            "last_failure_reason",
            "retry_at",
            "last_charged_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class AutopayWriteSerializer(serializers.Serializer):
    plan_id = serializers.PrimaryKeyRelatedField(source="plan", queryset=Plan.objects.all())
    phone_number = PhoneNumberField(
        required=False, help_text="The number to recharge; the caller's own by default."
    )
    tag = serializers.CharField(max_length=50, required=False, allow_blank=True)
    next_due_date = serializers.DateTimeField(
        required=False, help_text="The first charge; now when not given."
    )
    status = choice_field(AutopayStatus.choices, required=False)

    def validate(self, attrs: dict) -> dict:
        if not self.partial and not attrs.get("phone_number"):
            user = self.context["request"].user
            if not user.mobile:
                raise serializers.ValidationError(
                    {"phone_number": ["Give the number to recharge."]}
                )
            attrs["phone_number"] = user.mobile
        return attrs


class ProcessDueSerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        min_value=1,
        max_value=1000,
        default=500,
        help_text="At most this many autopays in this run; the scheduled job takes the rest.",
    )


class AutopayOutcomeSerializer(serializers.Serializer):
    autopay_id = serializers.IntegerField()
    status = serializers.CharField(help_text="processed, failed, disabled or skipped.")
    message = serializers.CharField()


class ReferralRewardSerializer(serializers.ModelSerializer):
    reward_id = serializers.IntegerField(source="pk", read_only=True)
    referrer_id = serializers.IntegerField(read_only=True)
    referred_id = serializers.IntegerField(read_only=True)
    reward_amount = money_field(read_only=True)
    status = choice_out(ReferralStatus.choices)

    class Meta:
        model = ReferralReward
        fields = (
            "reward_id",
            "referrer_id",
            "referred_id",
            "reward_amount",
            "status",
            "created_at",
            "claimed_at",
        )
        read_only_fields = fields
