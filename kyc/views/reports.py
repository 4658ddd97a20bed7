"""KYC reports of seed 000 (#37-#39): counts, rates, the pending queue, lists by status."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import error_responses
from config.permissions import permission_required
from kyc import selectors
from kyc import serializers as s
from kyc.filters import KycByStatusFilter, PendingKycFilter
from kyc.models import KycStatus

REPORT_PERMISSION = "kyc.view_kyc_report"

DAYS = OpenApiParameter(
    "days",
    OpenApiTypes.INT,
    description="Only submissions made in the last N days (1-3650); all when absent.",
)


def _query(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class KycReportView(APIView):
    permission_classes = [permission_required(REPORT_PERMISSION)]

    @extend_schema(
        tags=["admin-reports"],
        summary="KYC report: counts by status and type, verification rate and time",
        parameters=[s.ReportQuerySerializer],
        responses={200: s.KycReportSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        report = selectors.kyc_report(**_query(s.ReportQuerySerializer, request))
        return Response(s.KycReportSerializer(report).data)


class PendingKycView(ListAPIView):
    """Open submissions, oldest first, with how many days each has waited."""

    permission_classes = [permission_required(REPORT_PERMISSION)]
    serializer_class = s.PendingKycSerializer
    filterset_class = PendingKycFilter
    search_fields = ["user__email", "user__username", "user__mobile"]
    ordering_fields = ["submitted_at", "verification_score"]
    ordering = ["submitted_at", "id"]

    def get_queryset(self):
        days = _query(s.PendingQuerySerializer, self.request)["days"]
        return selectors.pending_records(days=days)

    @extend_schema(
        tags=["admin-reports"],
        summary="Pending KYC submissions (waiting for the code or for review)",
        parameters=[DAYS],
        responses={200: s.PendingKycSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class KycByStatusView(ListAPIView):
    """Current submissions in one status, newest first."""

    permission_classes = [permission_required(REPORT_PERMISSION)]
    serializer_class = s.StaffRecordSerializer
    filterset_class = KycByStatusFilter
    search_fields = ["user__email", "user__username", "user__mobile"]
    ordering_fields = ["submitted_at", "verified_at", "verification_score"]
    ordering = ["-submitted_at", "-id"]

    def _status(self) -> str:
        status = self.kwargs["status"]
        if status not in KycStatus.values:
            raise ValidationError({"status": [f"Must be one of: {', '.join(KycStatus.values)}."]})
        return status

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.records_by_status(KycStatus.VERIFIED).none()
        return selectors.records_by_status(self._status())

    def get_paginated_response(self, data) -> Response:
        response = super().get_paginated_response(data)
        response.data = {"status": self.kwargs["status"], **response.data}
        return response

    @extend_schema(
        tags=["admin-reports"],
        summary="KYC submissions in one status",
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, OpenApiParameter.PATH, enum=KycStatus.values
            )
        ],
        responses={200: s.KycByStatusPageSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)
