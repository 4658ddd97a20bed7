from decimal import Decimal

from rest_framework import serializers

from lending.models import Disposition, Interaction, InteractionType, Loan
from lending.selectors import loans_for
from lending.serializers.common import NamedChoiceField, money_field


class InteractionSerializer(serializers.ModelSerializer):
    loan = serializers.PrimaryKeyRelatedField(queryset=Loan.objects.none())
    disposition = NamedChoiceField(Disposition, "DispositionEnum")
    interaction_type = NamedChoiceField(InteractionType, "InteractionTypeEnum", read_only=True)
    promise_amount = money_field(
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        help_text="Required with promise_to_pay, and only then.",
    )
    promise_date = serializers.DateField(
        required=False, allow_null=True, help_text="Required with promise_to_pay, and only then."
    )
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    class Meta:
        model = Interaction
        fields = (
            "id",
            "loan",
            "comment",
            "disposition",
            "timestamp",
            "next_call_date",
            "promise_amount",
            "promise_date",
            "created_by",
            "interaction_type",
            "updated_at",
        )
        read_only_fields = ("id", "timestamp", "created_by", "interaction_type", "updated_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["loan"].queryset = loans_for(request.user)

    def validate(self, attrs):
        instance = self.instance
        if instance is not None and "loan" in attrs and attrs["loan"].pk != instance.loan_id:
            raise serializers.ValidationError({"loan": ["An interaction stays with its loan."]})
        disposition = attrs.get("disposition", getattr(instance, "disposition", None))
        if disposition == Disposition.PROMISE_TO_PAY:
            errors = {}
            for name in ("promise_amount", "promise_date"):
                value = attrs[name] if name in attrs else getattr(instance, name, None)
                if value is None:
                    errors[name] = ["Required for promise_to_pay."]
            if errors:
                raise serializers.ValidationError(errors)
        else:
            errors = {
                name: ["Only for the promise_to_pay disposition."]
                for name in ("promise_amount", "promise_date")
                if attrs.get(name) is not None
            }
            if errors:
                raise serializers.ValidationError(errors)
            attrs["promise_amount"] = attrs["promise_date"] = None
        return attrs
