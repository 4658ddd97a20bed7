import uuid

from django.conf import settings
from django.db import models


class ExportStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "Being written"
    COMPLETED = "completed", "Ready"
    FAILED = "failed", "Failed"


class ReportExport(models.Model):
    """A report file too large to stream in one request, written in the background."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.CharField(max_length=64)
    export_type = models.CharField(max_length=8)
    request_body = models.JSONField(default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_exports"
    )
    status = models.CharField(
        max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        permissions = [
            ("run_report", "Can run staff reports and exports"),
            ("view_analytics", "Can view analytics dashboards"),
        ]

    def __str__(self) -> str:
        return f"{self.report} ({self.export_type}) for user {self.requested_by_id}"
