"""Invoices, payments, reseller balances and commissions under /api/v1/isp/ (read, top-up)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from billing.isp_filters import InvoiceFilter, LedgerEntryFilter, PaymentFilter
from billing.isp_selectors import (
    commissions_visible_to,
    invoices_visible_to,
    payments_visible_to,
    reseller_accounts_visible_to,
    reseller_statement,
)
from billing.models import (
    IspInvoice,
    IspPayment,
    ResellerAccount,
    ResellerCommission,
    ResellerEntryKind,
)
from billing.serializers.isp import (
    IspCommissionSerializer,
    IspInvoiceDetailSerializer,
    IspInvoiceSerializer,
    IspLedgerEntrySerializer,
    IspPaymentSerializer,
    IspResellerAccountSerializer,
    IspStatementQuerySerializer,
    IspStatementSerializer,
    IspTopUpSerializer,
)
from billing.services.reseller_balance import reseller_top_up
from config.openapi import error_responses
from config.permissions import ModelPermissions, permission_required
from idempotency.api import IDEMPOTENCY_KEY, idempotent

READ = error_responses(401, 403, 404)


@extend_schema_view(
    list=extend_schema(summary="List invoices", responses={200: IspInvoiceSerializer(many=True)}),
    retrieve=extend_schema(
        summary="Invoice with its lines and allocations",
        responses={200: IspInvoiceDetailSerializer, **READ},
    ),
)
@extend_schema(tags=["isp"])
class InvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = IspInvoice.objects.all()
    permission_classes = [ModelPermissions]
    filterset_class = InvoiceFilter
    search_fields = ("number", "subscriber__name", "subscriber__pppoe_username")
    ordering_fields = ("due_date", "period_start", "total", "created_at")
    ordering = ("-period_start", "-id")

    def get_serializer_class(self):
        return IspInvoiceDetailSerializer if self.action == "retrieve" else IspInvoiceSerializer

    def get_queryset(self):
        queryset = invoices_visible_to(self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("lines", "allocations__payment")
        return queryset


@extend_schema_view(
    list=extend_schema(summary="List subscriber payments"),
    retrieve=extend_schema(
        summary="Payment with its allocations", responses={200: IspPaymentSerializer, **READ}
    ),
)
@extend_schema(tags=["isp"])
class PaymentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = IspPayment.objects.all()
    serializer_class = IspPaymentSerializer
    permission_classes = [ModelPermissions]
    filterset_class = PaymentFilter
    search_fields = ("receipt_number", "reference", "subscriber__name")
    ordering_fields = ("received_at", "amount")
    ordering = ("-received_at", "-id")

    def get_queryset(self):
        return payments_visible_to(self.request.user).prefetch_related(
            "allocations__invoice", "allocations__payment"
        )


@extend_schema_view(
    list=extend_schema(summary="List reseller balances"),
    retrieve=extend_schema(
        summary="Reseller balance", responses={200: IspResellerAccountSerializer, **READ}
    ),
)
@extend_schema(tags=["isp"])
class ResellerAccountViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ResellerAccount.objects.all()
    serializer_class = IspResellerAccountSerializer
    permission_classes = [ModelPermissions]
    ordering_fields = ("balance", "updated_at")
    ordering = ("organization__path",)

    def get_queryset(self):
        return reseller_accounts_visible_to(self.request.user)

    @extend_schema(
        summary="The balance's ledger, newest first",
        parameters=[
            OpenApiParameter(
                "kind", str, enum=ResellerEntryKind.values, description="Only entries of a kind."
            )
        ],
        responses={200: IspLedgerEntrySerializer(many=True), **READ},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def ledger(self, request: Request, pk=None) -> Response:
        account = self.get_object()
        entries = LedgerEntryFilter(request.query_params, account.entries.order_by("-id"))
        if not entries.is_valid():
            raise ValidationError(entries.errors)
        page = self.paginate_queryset(entries.qs)
        return self.get_paginated_response(IspLedgerEntrySerializer(page, many=True).data)

    @extend_schema(
        summary="Statement for a period",
        description="Opening and closing balance, credits, debits and totals by kind.",
        parameters=[IspStatementQuerySerializer],
        responses={200: IspStatementSerializer, **error_responses(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def statement(self, request: Request, pk=None) -> Response:
        account = self.get_object()
        query = IspStatementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = reseller_statement(
            account, query.validated_data["date_from"], query.validated_data["date_to"]
        )
        return Response(IspStatementSerializer(data).data)

    @extend_schema(
        summary="Top up a reseller's balance",
        description=(
            "KTL's staff record money a reseller paid; a reseller topping up one of its own "
            "sub-resellers transfers from its own balance (422 `insufficient_balance` when it "
            "holds too little). Only an organization above the reseller may top it up."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=IspTopUpSerializer,
        responses={201: IspLedgerEntrySerializer, **error_responses(400, 401, 403, 409, 422)},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="top-up",
        permission_classes=[permission_required("billing.credit_reselleraccount")],
        filter_backends=[],
        pagination_class=None,
    )
    def top_up(self, request: Request) -> Response:
        serializer = IspTopUpSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def work(*, reference) -> Response:
            entry = reseller_top_up(actor=request.user, **data)
            return Response(IspLedgerEntrySerializer(entry).data, status.HTTP_201_CREATED)

        return idempotent(self, request, work)


@extend_schema_view(
    list=extend_schema(summary="List commissions"),
    retrieve=extend_schema(summary="Commission", responses={200: IspCommissionSerializer, **READ}),
)
@extend_schema(tags=["isp"])
class CommissionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ResellerCommission.objects.all()
    serializer_class = IspCommissionSerializer
    permission_classes = [ModelPermissions]
    ordering_fields = ("created_at", "amount")
    ordering = ("-id",)

    def get_queryset(self):
        return commissions_visible_to(self.request.user)
