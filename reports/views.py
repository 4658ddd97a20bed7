"""One view class serves every declared report; its request schema comes from the declaration."""

from django.conf import settings
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.exceptions import Conflict
from config.inputs import JSONParser
from config.openapi import error_responses
from config.permissions import IsActiveUser
from config.routing import api_path
from reports import (
    csvexport,
    definitions,  # noqa: F401  (registers the reports)
    engine,
)
from reports import serializers as s
from reports.models import ExportStatus, ReportExport
from reports.registry import REGISTRY, Report
from reports.services import export_queue

ASYNC_THRESHOLD_DEFAULT = 50_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportView(APIView):
    report: Report
    parser_classes = [JSONParser]  # filters are typed JSON values: lists, booleans, null

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.report.permission and not request.user.has_perm(self.report.permission):
            raise PermissionDenied()

    def post(self, request: Request):
        report = self.report
        body = request.data
        parsed = engine.ReportRequest(report, body)
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
    # The schema goes on each report's own class: the post method is shared by all of them.
    view = extend_schema(
        tags=["reports"],
        summary=f"{report.title} report",
        description=(
            "Filters, ordering and paging in a JSON body; `export_type` `none` answers "
            "with data, `csv` and `xlsx` with a file, or 202 with an export to download "
            "later when the report is large."
        ),
        request=s.request_serializer(report),
        responses={
            (200, "application/json"): OpenApiResponse(
                s.reply_serializer(report), description="The rows, when `export_type` is none."
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="A CSV file."),
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="An XLSX file."),
            202: s.ExportQueuedSerializer,
            **error_responses(400, 401, 403),
        },
    )(
        type(
            "".join(part.title() for part in report.slug.replace("/", "-").split("-")) + "View",
            (ReportView,),
            {"report": report, "permission_classes": [IsActiveUser]},
        )
    )
    return view.as_view()


def _own_export(request: Request, export_id) -> ReportExport:
    export = get_object_or_404(ReportExport, pk=export_id)
    if export.requested_by_id != request.user.pk and not request.user.has_perm(
        "reports.view_reportexport"
    ):
        raise Http404  # someone else's export does not exist, as far as the caller can tell
    return export


class ExportStatusView(APIView):
    @extend_schema(
        tags=["reports"], responses={200: s.ExportStatusSerializer, **error_responses(401, 404)}
    )
    def get(self, request: Request, export_id):
        return Response(s.ExportStatusSerializer(_own_export(request, export_id)).data)


class ExportDownloadView(APIView):
    """Only the requester, or staff allowed to see every export, may download it."""

    @extend_schema(
        tags=["reports"],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="A CSV file."),
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="An XLSX file."),
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
