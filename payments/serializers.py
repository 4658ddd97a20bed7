"""Payments as clients see them, and the small inputs of their commands."""

from decimal import Decimal

from rest_framework import serializers

from config.money import MONEY
from payments.models import OPEN_STATUSES, Payment, PaymentStatus, Refund, RefundStatus
from payments.providers import get_provider


class PaymentSerializer(serializers.ModelSerializer):
    """A payment and, while it is open, what the client needs to pay it."""

    payment_id = serializers.UUIDField(source="reference", read_only=True)
    status = serializers.ChoiceField(choices=PaymentStatus.choices, read_only=True)
    amount = serializers.DecimalField(**MONEY, read_only=True)
    amount_refunded = serializers.DecimalField(**MONEY, read_only=True)
    order_id = serializers.CharField(source="provider_order_id", read_only=True)
    key_id = serializers.SerializerMethodField()
    checkout_url = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = (
            "payment_id",
            "status",
            "purpose",
            "provider",
            "method",
            "amount",
            "currency",
            "order_id",
            "key_id",
            "checkout_url",
            "amount_refunded",
            "failure_reason",
            "expires_at",
            "captured_at",
            "created_at",
        )
        read_only_fields = fields

    def _checkout(self, payment: Payment) -> dict:
        if payment.status not in OPEN_STATUSES or not payment.provider_order_id:
            return {}
        # Both fields read it: one answer per payment, one provider client per list.
        answers = self.context.setdefault("_checkout", {})
        if payment.pk not in answers:
            providers = self.context.setdefault("_providers", {})
            if payment.provider not in providers:
                try:
                    providers[payment.provider] = get_provider(payment.provider)
                except KeyError:
                    providers[payment.provider] = None
            provider = providers[payment.provider]
            answers[payment.pk] = (
                provider.checkout(
                    order_id=payment.provider_order_id, request=self.context.get("request")
                )
                if provider is not None
                else {}
            )
        return answers[payment.pk]

    def get_key_id(self, payment: Payment) -> str | None:
        return self._checkout(payment).get("key_id")

    def get_checkout_url(self, payment: Payment) -> str | None:
        """A page where the payment can be made (the sandbox's), or null: use the provider's SDK."""
        return self._checkout(payment).get("checkout_url")


class ConfirmSerializer(serializers.Serializer):
    """What Razorpay Checkout hands the client when a payment succeeds."""

    razorpay_order_id = serializers.CharField(max_length=64)
    razorpay_payment_id = serializers.CharField(max_length=64)
    razorpay_signature = serializers.CharField(max_length=128)


class RefundRequestSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        **MONEY,
        min_value=Decimal("0.01"),
        required=False,
        help_text="What to give back; everything not yet refunded when left out.",
    )
    reason = serializers.CharField(max_length=255)


class RefundSerializer(serializers.ModelSerializer):
    refund_id = serializers.UUIDField(source="reference", read_only=True)
    payment_id = serializers.UUIDField(source="payment.reference", read_only=True)
    amount = serializers.DecimalField(**MONEY, read_only=True)
    status = serializers.ChoiceField(choices=RefundStatus.choices, read_only=True)

    class Meta:
        model = Refund
        fields = (
            "refund_id",
            "payment_id",
            "amount",
            "status",
            "reason",
            "provider_refund_id",
            "failure_reason",
            "created_at",
        )
        read_only_fields = fields


class WebhookReplySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["processed", "duplicate"])
    outcome = serializers.CharField()
