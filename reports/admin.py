from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from reports import definitions  # noqa: F401  (registers the reports a retry looks up)
from reports.analytics.dashboard import dashboard
from reports.analytics.window import WindowQuerySerializer
from reports.models import ExportStatus, ReportExport
from reports.registry import REGISTRY
from reports.services import export_queue

DAY_CHOICES = (7, 30, 90, 180, 366)

# The index links the analytics page for those who may see it.
admin.site.index_template = "admin/reports/index.html"


@admin.register(ReportExport)
class ReportExportAdmin(admin.ModelAdmin):
    """Background exports, as a record; and the analytics page of the admin."""

    list_display = ("report", "export_type", "status", "requested_by", "rows", "created_at")
    list_filter = ("status", "export_type", "report")
    search_fields = ("report", "requested_by__username", "requested_by__email")
    list_select_related = ("requested_by",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "id",
        "report",
        "export_type",
        "request_body",
        "requested_by",
        "status",
        "file",
        "rows",
        "error",
        "created_at",
        "completed_at",
    )

    actions = ("retry_exports",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("reports.run_report")

    @admin.action(description="Retry the selected failed exports", permissions=["retry"])
    def retry_exports(self, request, queryset):
        # A new export of the same request for the same person, under their rights of today.
        queued = 0
        for export in queryset.filter(status=ExportStatus.FAILED).select_related("requested_by"):
            report = REGISTRY.get(export.report)
            owner = export.requested_by
            if report is None or (report.permission and not owner.has_perm(report.permission)):
                self.message_user(
                    request,
                    f"{export}: the report is gone or its owner may no longer run it.",
                    messages.WARNING,
                )
                continue
            export_queue(report_slug=export.report, body=dict(export.request_body), user=owner)
            queued += 1
        self.message_user(
            request,
            f"{queued} export(s) queued again; only failed exports are retried.",
            messages.SUCCESS if queued else messages.WARNING,
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        analytics = path(
            "analytics/",
            self.admin_site.admin_view(self.analytics_view),
            name="reports_reportexport_analytics",
        )
        return [analytics, *super().get_urls()]

    def analytics_view(self, request):
        if not request.user.has_perm("reports.view_analytics"):
            raise PermissionDenied
        query = WindowQuerySerializer(data=request.GET)
        errors = {} if query.is_valid() else query.errors
        if errors:  # a bad window is shown as such, over the default one
            query = WindowQuerySerializer(data={})
            query.is_valid(raise_exception=True)
        figures = dashboard(query.validated_data)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Analytics",
            "day_choices": DAY_CHOICES,
            "errors": errors,
            **figures,
        }
        return TemplateResponse(request, "admin/reports/analytics.html", context)
