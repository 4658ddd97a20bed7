"""Recharge & wallet (seed 004): top-up, subscribe, my plans and transactions, admin views."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import error_responses
from config.permissions import permission_required
from idempotency.api import IDEMPOTENCY_KEY, idempotent
from recharge import selectors
from recharge.filters import MyTransactionFilter, TransactionFilter, UserPlanFilter
from recharge.models import Transaction, UserPlan
from recharge.pagination import envelope
from recharge.serializers.payments import (
    StaffCreditSerializer,
    SubscribeSerializer,
    TopupSerializer,
    TransactionSerializer,
    UserPlanSerializer,
)
from recharge.services.purchases import recharge_subscribe, wallet_topup
from recharge.services.wallet import wallet_credit_by_staff
from recharge.views.common import FILTERS, UNAVAILABLE, parse

MONEY_ERRORS = {**error_responses(400, 401, 403, 409, 422), **UNAVAILABLE}


class TopupView(APIView):
    @extend_schema(
        tags=["recharge"],
        summary="Top up the wallet",
        description=(
            "Opens a payment of `amount` at the payment provider and answers 201 with the "
            "transaction `pending` and its `payment`: pay it with Razorpay Checkout "
            "(`key_id`, `order_id`) or, with the sandbox provider, at `checkout_url`. The "
            "wallet is credited when the provider captures the money (its webhook, or "
            "`POST /payments/confirm`), exactly once. 503 when the provider does not answer."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=TopupSerializer,
        responses={201: TransactionSerializer, **MONEY_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(TopupSerializer, request)

        def work(*, reference) -> Response:
            txn = wallet_topup(
                user=request.user,
                amount=data["amount"],
                payment_method=data["payment_method"],
                phone_number=data.get("phone_number") or "",
                reference=reference,
            )
            return Response(
                TransactionSerializer(txn, context={"request": request}).data,
                status=status.HTTP_201_CREATED,
            )

        return idempotent(self, request, work)


class SubscribeView(APIView):
    @extend_schema(
        tags=["recharge"],
        summary="Subscribe to a plan (recharge)",
        description=(
            "Prices the plan, applies `offer_id` when its criteria allow (else 400 naming "
            "`offer_id`) and starts the plan now (`activation_mode` activate) or after the "
            "number's current plans (queue). Paid from the wallet (`payment_method` wallet; 422 "
            "`insufficient_balance` moves nothing), it is `success` at once; paid by UPI, card "
            "or net banking it is `pending` with its `payment` until the provider captures the "
            "money. The recharge is then sent to the operator (`fulfilment_status`); if the "
            "operator fails it, the money goes back by itself."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=SubscribeSerializer,
        responses={201: TransactionSerializer, **MONEY_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = parse(SubscribeSerializer, request)

        def work(*, reference) -> Response:
            txn = recharge_subscribe(
                user=request.user,
                plan_id=data["plan_id"],
                offer_id=data.get("offer_id"),
                phone_number=data["phone_number"],
                payment_method=data["payment_method"],
                source=data["source"],
                activation_mode=data["activation_mode"],
                reference=reference,
            )
            return Response(
                TransactionSerializer(txn, context={"request": request}).data,
                status=status.HTTP_201_CREATED,
            )

        return idempotent(self, request, work)


class StaffWalletCreditView(APIView):
    permission_classes = [permission_required("recharge.credit_wallet")]

    @extend_schema(
        tags=["recharge"],
        summary="Credit a user's wallet by hand (staff)",
        description=(
            "A goodwill credit or a correction, with its reason in the audit trail. Needs "
            "`recharge.credit_wallet`. The only way money enters a wallet without a provider."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=StaffCreditSerializer,
        responses={201: TransactionSerializer, **error_responses(400, 401, 403, 409, 422)},
    )
    def post(self, request: Request) -> Response:
        data = parse(StaffCreditSerializer, request)

        def work(*, reference) -> Response:
            txn = wallet_credit_by_staff(
                user_id=data["user_id"],
                amount=data["amount"],
                actor=request.user,
                reason=data["reason"],
            )
            return Response(TransactionSerializer(txn).data, status=status.HTTP_201_CREATED)

        return idempotent(self, request, work)


class _UserPlanList(ListAPIView):
    queryset = UserPlan.objects.none()  # for the schema; each view scopes its own
    serializer_class = UserPlanSerializer
    pagination_class = envelope("plans", 10)
    filter_backends = FILTERS
    filterset_class = UserPlanFilter
    search_fields = ["phone_number", "plan__plan_name"]
    ordering_fields = ["id", "valid_from", "valid_to", "status", "created_at"]
    ordering = ["-valid_to", "-id"]


class MyPlansView(_UserPlanList):
    def get_queryset(self):
        return selectors.user_plans().filter(user=self.request.user)

    @extend_schema(
        tags=["recharge"],
        summary="My plans, active, queued and expired",
        responses={200: UserPlanSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class AdminActivePlansView(_UserPlanList):
    permission_classes = [permission_required("recharge.view_userplan")]

    def get_queryset(self):
        return selectors.active_user_plans()

    @extend_schema(
        tags=["recharge"],
        summary="Active plans of every user (admin)",
        responses={200: UserPlanSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class _TransactionList(ListAPIView):
    queryset = Transaction.objects.none()  # for the schema; each view scopes its own
    serializer_class = TransactionSerializer
    pagination_class = envelope("transactions", 10)
    filter_backends = FILTERS
    search_fields = ["phone_number"]
    ordering_fields = ["id", "amount", "created_at", "status"]
    ordering_aliases = {"txn_id": "id"}
    ordering = ["-created_at", "-id"]


class MyTransactionsView(_TransactionList):
    filterset_class = MyTransactionFilter

    def get_queryset(self):
        return selectors.transactions().filter(user=self.request.user)

    @extend_schema(
        tags=["recharge"],
        summary="My transactions",
        responses={200: TransactionSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class AdminTransactionsView(_TransactionList):
    permission_classes = [permission_required("recharge.view_transaction")]
    filterset_class = TransactionFilter

    def get_queryset(self):
        return selectors.transactions()

    @extend_schema(
        tags=["recharge"],
        summary="Every user's transactions (admin)",
        responses={200: TransactionSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)
