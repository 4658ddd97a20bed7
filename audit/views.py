"""Audit trail (seed 000), API request log (seed 002) and API statistics (seed 000)."""

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import selectors
from audit import serializers as s
from audit.models import ApiRequestLog
from config.export import csv_response
from config.openapi import error_responses
from config.pagination import BareListPagination
from config.permissions import permission_required
from config.routing import api_path

VIEW_TRAIL = permission_required("audit.view_auditevent")
VIEW_LOG = permission_required("audit.view_apirequestlog")


def _query(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class AuditTrailView(ListAPIView):
    permission_classes = [VIEW_TRAIL]
    serializer_class = s.AuditEventSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.audit_events(**_query(s.TrailQuerySerializer, self.request))

    @extend_schema(tags=["audit"], parameters=[s.TrailQuerySerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class UserAuditView(APIView):
    permission_classes = [VIEW_TRAIL]

    @extend_schema(
        tags=["audit"],
        parameters=[OpenApiParameter("days", int)],
        responses={200: s.UserAuditSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request, user_id: int) -> Response:
        days = _query(s.TrailQuerySerializer, request).get("days", 30)
        return Response(s.UserAuditSerializer(selectors.user_audit_summary(user_id, days)).data)


class AuditExportView(APIView):
    """The trail between dates as CSV, read from a database cursor row by row."""

    permission_classes = [VIEW_TRAIL]
    HEADER = (
        "sequence",
        "timestamp",
        "user_id",
        "user",
        "action",
        "target_type",
        "target_id",
        "description",
        "ip_address",
        "request_id",
    )

    @extend_schema(
        tags=["audit"],
        parameters=[s.ExportQuerySerializer],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request):
        query = _query(s.ExportQuerySerializer, request)
        query.pop("format")
        events = selectors.audit_events(**query).order_by("id")
        rows = (
            (
                e["sequence"],
                e["created_at"].isoformat(),
                e["actor_id"],
                e["actor_label"],
                e["action"],
                e["target_type"],
                e["target_id"],
                e["description"],
                e["ip"],
                e["request_id"],
            )
            for e in events.values(
                "sequence",
                "created_at",
                "actor_id",
                "actor_label",
                "action",
                "target_type",
                "target_id",
                "description",
                "ip",
                "request_id",
            ).iterator(chunk_size=2000)
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        return csv_response(f"audit-{stamp}.csv", self.HEADER, rows)

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


class AuditStatisticsView(APIView):
    permission_classes = [VIEW_TRAIL]

    @extend_schema(
        tags=["audit"], responses={200: s.AuditStatisticsSerializer, **error_responses(401, 403)}
    )
    def get(self, request: Request) -> Response:
        return Response(s.AuditStatisticsSerializer(selectors.audit_statistics()).data)


class ApiLogFilter(django_filters.FilterSet):
    method = django_filters.CharFilter(lookup_expr="iexact")
    status_code = django_filters.NumberFilter()
    path = django_filters.CharFilter(lookup_expr="icontains")
    user = django_filters.NumberFilter(field_name="user_id")
    request_id = django_filters.CharFilter()
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = ApiRequestLog
        fields = ("method", "status_code", "path", "user", "request_id")


class ApiLogListView(ListAPIView):
    """Seed 002's logs/: staff only, bodies already redacted when written."""

    permission_classes = [VIEW_LOG]
    serializer_class = s.ApiLogSerializer
    # Seed 002 shows the log as a bare array.
    pagination_class = BareListPagination
    queryset = ApiRequestLog.objects.order_by("-created_at", "-id")
    filterset_class = ApiLogFilter
    ordering_fields = ("created_at", "duration_ms", "status_code")
    search_fields = ("path",)

    @extend_schema(tags=["audit"])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ApiStatisticsView(APIView):
    permission_classes = [VIEW_LOG]

    @extend_schema(
        tags=["system"],
        parameters=[
            OpenApiParameter("hours", int, description="Look back this many hours (default 24).")
        ],
        responses={200: s.ApiStatisticsSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        try:
            hours = int(request.query_params.get("hours", 24))
        except ValueError:
            raise drf_serializers.ValidationError({"hours": ["A whole number of hours."]}) from None
        if not 1 <= hours <= 24 * 366:
            raise drf_serializers.ValidationError({"hours": ["Between 1 and 8784."]})
        return Response(s.ApiStatisticsSerializer(selectors.api_statistics(hours)).data)


urlpatterns = [
    *api_path("admin/audit/get_audit_trail", AuditTrailView.as_view(), "audit-trail"),
    *api_path("admin/audit/get_user_audit/<int:user_id>", UserAuditView.as_view(), "user-audit"),
    *api_path("admin/audit/export_logs", AuditExportView.as_view(), "audit-export"),
    *api_path("admin/audit/get_statistics", AuditStatisticsView.as_view(), "audit-statistics"),
    *api_path("admin/system/api_statistics", ApiStatisticsView.as_view(), "api-statistics"),
    *api_path("logs", ApiLogListView.as_view(), "logs"),
]
