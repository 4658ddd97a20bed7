"""One view class serves every declared report; its request schema comes from the declaration."""

from django.conf import settings
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsActiveUser
from config.exceptions import Conflict
from config.openapi import error_responses
from config.routing import api_path
from reports import (
    csvexport,
    definitions,  # noqa: F401  (registers the reports)
    engine,
)
from reports.models import ExportStatus, ReportExport
from reports.registry import REGISTRY, Report
from reports.services import export_queue

ASYNC_THRESHOLD_DEFAULT = 50_000

_FILTER_FIELDS = {
    "ids": lambda: serializers.ListField(child=serializers.IntegerField(), required=False),
    "strings": lambda: serializers.ListField(child=serializers.CharField(), required=False),
    "string": lambda: serializers.CharField(required=False),
    "bool": lambda: serializers.BooleanField(required=False),
    "date": lambda: serializers.DateField(required=False),
    "datetime": lambda: serializers.DateTimeField(required=False),
}


def _request_serializer(report: Report) -> type[serializers.Serializer]:
    fields = {name: _FILTER_FIELDS[f.kind]() for name, f in report.filters.items()}
    fields.update(
        order_by=serializers.ChoiceField(choices=sorted(report.orderings), required=False),
        order_dir=serializers.ChoiceField(choices=["asc", "desc"], required=False),
        limit=serializers.IntegerField(
            min_value=0, required=False, help_text="0: all rows (files) or 1000 (data)."
        ),
        offset=serializers.IntegerField(min_value=0, required=False),
        export_type=serializers.ChoiceField(choices=list(engine.EXPORT_TYPES), required=False),
    )
    if report.date_field:
        fields.update(
            date_from=serializers.DateField(required=False),
            date_to=serializers.DateField(required=False),
        )
    name = "".join(part.title() for part in report.slug.replace("/", "-").split("-")) + "Request"
    return type(name, (serializers.Serializer,), fields)


def _reply_serializer(report: Report) -> type[serializers.Serializer]:
    row = type(
        "".join(part.title() for part in report.slug.replace("/", "-").split("-")) + "Row",
        (serializers.Serializer,),
        {column.key: serializers.JSONField(allow_null=True) for column in report.columns},
    )
    return type(
        row.__name__.removesuffix("Row") + "Reply",
        (serializers.Serializer,),
        {
            "data": row(many=True),
            "total": serializers.IntegerField(),
            "limit": serializers.IntegerField(),
            "offset": serializers.IntegerField(),
        },
    )


class ExportQueuedSerializer(serializers.Serializer):
    export_id = serializers.UUIDField()
    status = serializers.CharField()
    rows = serializers.IntegerField()
    download_url = serializers.CharField()


class ReportView(APIView):
    report: Report

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.report.permission and not request.user.has_perm(self.report.permission):
            raise PermissionDenied()

    def post(self, request: Request):
        report = self.report
        body = request.data if isinstance(request.data, dict) else {}
        parsed = engine.ReportRequest(report, dict(body))
        rows = engine.queryset_for(report, parsed, request.user)
        if parsed.export_type == "none":
            return Response(engine.data_reply(report, parsed, rows))
        threshold = getattr(settings, "REPORT_ASYNC_THRESHOLD", ASYNC_THRESHOLD_DEFAULT)
        total = rows.count()
        if total > threshold:
            export = export_queue(report_slug=report.slug, body=dict(body), user=request.user)
            return Response(
                {
                    "export_id": export.pk,
                    "status": export.status,
                    "rows": total,
                    "download_url": f"/api/v1/reports/exports/{export.pk}/download",
                },
                status=202,
            )
        if parsed.export_type == "csv":
            return csvexport.csv_reply(report, parsed, rows)
        return engine.xlsx_reply(report, parsed, rows)

    # Files and JSON are both answers of this view; negotiation must not refuse either.
    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


def report_view(report: Report):
    view = type(
        "".join(part.title() for part in report.slug.replace("/", "-").split("-")) + "View",
        (ReportView,),
        {"report": report, "permission_classes": [IsActiveUser]},
    )
    schema = extend_schema(
        tags=["reports"],
        summary=f"{report.title} report",
        description=(
            "Filters, ordering and paging in a JSON body; `export_type` `none` answers "
            "with data, `csv` and `xlsx` with a file, or 202 with an export to download "
            "later when the report is large."
        ),
        request=_request_serializer(report),
        responses={
            200: OpenApiResponse(
                _reply_serializer(report), description="Data, or a CSV/XLSX file."
            ),
            202: ExportQueuedSerializer,
            **error_responses(400, 401, 403),
        },
    )
    view.post = schema(view.post)
    return view.as_view()


class ExportStatusSerializer(serializers.ModelSerializer):
    export_id = serializers.UUIDField(source="pk")

    class Meta:
        model = ReportExport
        fields = (
            "export_id",
            "report",
            "export_type",
            "status",
            "rows",
            "error",
            "created_at",
            "completed_at",
        )
        read_only_fields = fields


def _own_export(request: Request, export_id) -> ReportExport:
    export = get_object_or_404(ReportExport, pk=export_id)
    if export.requested_by_id != request.user.pk and not request.user.has_perm(
        "reports.view_reportexport"
    ):
        raise Http404  # someone else's export does not exist, as far as the caller can tell
    return export


class ExportStatusView(APIView):
    @extend_schema(
        tags=["reports"], responses={200: ExportStatusSerializer, **error_responses(401, 404)}
    )
    def get(self, request: Request, export_id):
        return Response(ExportStatusSerializer(_own_export(request, export_id)).data)


class ExportDownloadView(APIView):
    """Only the requester, or staff allowed to see every export, may download it."""

    @extend_schema(
        tags=["reports"],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **error_responses(401, 404, 409),
        },
    )
    def get(self, request: Request, export_id):
        export = _own_export(request, export_id)
        if export.status != ExportStatus.COMPLETED:
            raise Conflict(f"The export is {export.status}.")
        return FileResponse(
            export.file.open("rb"), as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1]
        )

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


urlpatterns = [
    *[
        path
        for report in REGISTRY.values()
        for path in api_path(f"reports/{report.path}", report_view(report), report.slug)
    ],
    *api_path("reports/exports/<uuid:export_id>", ExportStatusView.as_view(), "export-status"),
    *api_path(
        "reports/exports/<uuid:export_id>/download", ExportDownloadView.as_view(), "export-download"
    ),
]
