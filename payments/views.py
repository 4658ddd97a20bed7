"""Payments over HTTP: a user's payments, Checkout's confirmation, staff refunds, provider webhooks."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import error_responses
from config.permissions import permission_required
from idempotency.api import IDEMPOTENCY_KEY, idempotent
from payments import selectors
from payments.errors import ProviderNotAnswering
from payments.providers import ProviderUnavailable
from payments.serializers import (
    ConfirmSerializer,
    PaymentSerializer,
    RefundRequestSerializer,
    RefundSerializer,
    WebhookReplySerializer,
)
from payments.services.inbound import payment_confirm, webhook_receive
from payments.services.reconcile import payment_recheck
from payments.services.refunds import payment_refund


class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PaymentSerializer
    lookup_field = "reference"
    lookup_url_kwarg = "payment_id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    filterset_fields = ["status", "purpose", "provider"]
    search_fields = ["provider_order_id", "provider_payment_id"]
    ordering_fields = ["id", "created_at", "amount", "status"]
    ordering = ["-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.payments().none()
        return selectors.payments_visible_to(self.request.user)

    def get_permissions(self):
        if self.action == "refund":
            return [permission_required("payments.refund_payment")()]
        if self.action == "recheck":
            return [permission_required("payments.recheck_payment")()]
        return super().get_permissions()

    @extend_schema(
        tags=["payments"],
        summary="My payments (every payment, for staff who may view them)",
        responses={200: PaymentSerializer(many=True), **error_responses(400, 401)},
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        tags=["payments"],
        summary="One payment, by its payment_id",
        responses={200: PaymentSerializer, **error_responses(401, 404)},
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        tags=["payments"],
        summary="Confirm a payment after Razorpay Checkout",
        description=(
            "Send the three `razorpay_*` fields Checkout returned. The signature is verified "
            "and the provider asked how much it took; a capture credits the wallet or starts "
            "the plan exactly once, whether this call or the provider's webhook comes first. "
            "A bad signature is a 400 naming `razorpay_signature` and changes nothing."
        ),
        request=ConfirmSerializer,
        responses={200: PaymentSerializer, **error_responses(400, 401, 404)},
    )
    @action(detail=False, methods=["post"], url_path="confirm")
    def confirm(self, request: Request) -> Response:
        serializer = ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        payment = payment_confirm(
            user=request.user,
            order_id=data["razorpay_order_id"],
            payment_id=data["razorpay_payment_id"],
            signature=data["razorpay_signature"],
        )
        return Response(self.get_serializer(payment).data)

    @extend_schema(
        tags=["payments"],
        summary="Refund a captured payment (staff)",
        parameters=[IDEMPOTENCY_KEY],
        request=RefundRequestSerializer,
        responses={201: RefundSerializer, **error_responses(400, 401, 403, 404, 409, 422)},
    )
    @action(detail=True, methods=["post"])
    def refund(self, request: Request, payment_id=None) -> Response:
        payment = self.get_object()
        serializer = RefundRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)

        def work(*, reference) -> Response:
            refund = payment_refund(
                payment_id=payment.pk,
                amount=serializer.validated_data.get("amount"),
                reason=serializer.validated_data["reason"],
                # The key's reference rather than the key: a client's key may be
                # longer than the refund's key column.
                key=f"staff:{reference}",
                actor=request.user,
            )
            return Response(RefundSerializer(refund).data, status=status.HTTP_201_CREATED)

        return idempotent(self, request, work)

    @extend_schema(
        tags=["payments"],
        summary="Ask the provider about a payment now (staff)",
        request=None,
        responses={200: PaymentSerializer, **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def recheck(self, request: Request, payment_id=None) -> Response:
        payment = self.get_object()
        try:
            payment = payment_recheck(payment_id=payment.pk)
        except ProviderUnavailable:
            raise ProviderNotAnswering() from None
        return Response(self.get_serializer(payment).data)


class RawBodyParser(BaseParser):
    """Webhook signatures cover the exact bytes sent; nothing is parsed before they verify."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""


class WebhookView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    # A provider retries for a day what it could not deliver; our throttles must not be why.
    throttle_classes: list = []
    parser_classes = [RawBodyParser]

    @extend_schema(
        tags=["payments"],
        summary="A provider's webhook (Razorpay, or the sandbox)",
        description=(
            "Signed with the webhook secret in `X-Razorpay-Signature` over the raw body. "
            "A bad or missing signature gets 400 and changes nothing; an event id "
            "(`X-Razorpay-Event-Id`) seen before is acknowledged with `duplicate` and ignored."
        ),
        parameters=[
            OpenApiParameter("X-Razorpay-Signature", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("X-Razorpay-Event-Id", str, OpenApiParameter.HEADER),
        ],
        request={"application/json": OpenApiTypes.OBJECT},
        responses={200: WebhookReplySerializer, **error_responses(400, 404)},
    )
    def post(self, request: Request, provider: str) -> Response:
        result = webhook_receive(provider_name=provider, body=request.body, headers=request.headers)
        return Response(
            {"status": "duplicate" if result.duplicate else "processed", "outcome": result.outcome}
        )
