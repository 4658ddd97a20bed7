from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status, viewsets
from rest_framework.response import Response

from config.openapi import error_responses
from config.pagination import BareListPagination
from idempotency.api import IDEMPOTENCY_KEY, idempotent
from lending.contracts import REPAYSYNC
from lending.filters import LoanFilter
from lending.permissions import IsLendingStaff
from lending.selectors import (
    customers_for,
    installments_of,
    loans_for,
    repayments_of,
    worklist_for,
)
from lending.serializers.loans import (
    LoanSerializer,
    RepaymentCreateSerializer,
    RepaymentReplySerializer,
    RepaymentSerializer,
    ScheduleSerializer,
    WorklistItemSerializer,
)
from lending.services.loans import loan_create, loan_delete, loan_update
from lending.services.repayments import repayment_record
from lending.services.schedule import ZERO

_TAGS = ["lending: loans"]
_LOAN_SEARCH = ("loan_account_number", "customer__customer_code", "customer__name")
_LOAN_ORDERING = (
    "id",
    "loan_date",
    "principal_amount",
    "outstanding_amount",
    "days_past_due",
    "created_at",
)


@extend_schema_view(
    list=extend_schema(
        tags=_TAGS,
        summary="Loans in the caller's view",
        description="Loans follow their customer's visibility.",
        responses={200: LoanSerializer(many=True), **error_responses(403)},
    ),
    create=extend_schema(
        tags=_TAGS,
        summary="Create a loan and its repayment schedule",
        responses={201: LoanSerializer, **error_responses(400, 403)},
    ),
    retrieve=extend_schema(
        tags=_TAGS, responses={200: LoanSerializer, **error_responses(403, 404)}
    ),
    update=extend_schema(
        tags=_TAGS,
        description="Changing amount, rate, tenure or date rewrites the schedule; "
        "refused with 409 once repayments exist.",
        responses={200: LoanSerializer, **error_responses(400, 403, 404, 409)},
    ),
    partial_update=extend_schema(
        tags=_TAGS, responses={200: LoanSerializer, **error_responses(400, 403, 404, 409)}
    ),
    destroy=extend_schema(
        tags=_TAGS,
        description="Refused with 409 once repayments exist.",
        responses={204: None, **error_responses(403, 404, 409)},
    ),
)
class LoanViewSet(viewsets.ModelViewSet):
    serializer_class = LoanSerializer
    permission_classes = [IsLendingStaff]
    # Seed 002 lists loans as bare arrays.
    pagination_class = BareListPagination
    contract = REPAYSYNC
    filterset_class = LoanFilter
    search_fields = _LOAN_SEARCH
    ordering_fields = _LOAN_ORDERING
    ordering = ("-id",)
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return loans_for(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = loan_create(actor=self.request.user, data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = loan_update(
            actor=self.request.user, loan=serializer.instance, changes=serializer.validated_data
        )

    def perform_destroy(self, instance):
        loan_delete(actor=self.request.user, loan=instance)


class CustomerLoansView(generics.ListAPIView):
    serializer_class = LoanSerializer
    permission_classes = [IsLendingStaff]
    # Seed 002 lists loans as bare arrays.
    pagination_class = BareListPagination
    contract = REPAYSYNC
    filterset_class = LoanFilter
    search_fields = _LOAN_SEARCH
    ordering_fields = _LOAN_ORDERING
    ordering = ("-id",)

    @extend_schema(
        tags=_TAGS,
        summary="Loans of one customer",
        responses={200: LoanSerializer(many=True), **error_responses(403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False):
            return loans_for(user).none()
        customer = get_object_or_404(customers_for(user), pk=self.kwargs["customer_id"])
        return loans_for(user).filter(customer=customer)


class LoanScheduleView(generics.GenericAPIView):
    serializer_class = ScheduleSerializer
    permission_classes = [IsLendingStaff]

    def get_queryset(self):
        return loans_for(self.request.user)

    @extend_schema(
        tags=_TAGS,
        summary="Repayment schedule (EMI on the reducing balance)",
        responses={200: ScheduleSerializer, **error_responses(403, 404)},
    )
    def get(self, request, pk: int):
        loan = self.get_object()
        installments = list(installments_of(loan))
        total_interest = sum((item.interest_due for item in installments), ZERO)
        data = {
            "loan": loan,
            "total_interest": total_interest,
            "total_payable": loan.principal_amount + total_interest,
            "installments": installments,
        }
        context = {**self.get_serializer_context(), "today": timezone.localdate()}
        return Response(ScheduleSerializer(data, context=context).data)


class LoanRepaymentsView(generics.ListCreateAPIView):
    permission_classes = [IsLendingStaff]
    filter_backends: list = []

    def get_serializer_class(self):
        return RepaymentCreateSerializer if self.request.method == "POST" else RepaymentSerializer

    def get_loan(self):
        return get_object_or_404(loans_for(self.request.user), pk=self.kwargs["pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return repayments_of(None).none()
        return repayments_of(self.get_loan())

    @extend_schema(
        tags=_TAGS,
        summary="Repayments of a loan",
        responses={200: RepaymentSerializer(many=True), **error_responses(403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=_TAGS,
        summary="Record a repayment",
        description="Allocated to interest first, then principal: all interest due, oldest "
        "first, then principal due, then later instalments in order. Updates the loan's "
        "outstanding amount, days past due and bucket.",
        parameters=[IDEMPOTENCY_KEY],
        request=RepaymentCreateSerializer,
        responses={201: RepaymentReplySerializer, **error_responses(400, 403, 404, 409, 422)},
    )
    def post(self, request, *args, **kwargs):
        loan = self.get_loan()
        serializer = RepaymentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)

        def work(*, reference) -> Response:
            repayment = repayment_record(actor=request.user, loan=loan, **serializer.validated_data)
            return Response(
                RepaymentReplySerializer(repayment).data, status=status.HTTP_201_CREATED
            )

        return idempotent(self, request, work)


class WorklistView(generics.ListAPIView):
    serializer_class = WorklistItemSerializer
    permission_classes = [IsLendingStaff]
    filter_backends: list = []

    @extend_schema(
        tags=_TAGS,
        summary="My worklist: delinquent loans and due follow-ups, most overdue first",
        description=(
            "Active loans in the caller's view that are past due, or whose follow-up date "
            "(the next_call_date of their latest interaction) has come. A calling agent's "
            "follow-ups are the ones they set. Ordered by the older of the oldest unpaid "
            "due date and the follow-up date."
        ),
        responses={200: WorklistItemSerializer(many=True), **error_responses(403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return worklist_for(self.request.user, timezone.localdate())
