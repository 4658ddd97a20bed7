from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lending.models import ImportBatch, ImportStatus


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The CSV file; the first row names the columns.")
    dry_run = serializers.BooleanField(
        default=False, help_text="Check every row and report, saving nothing."
    )


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row number in the file; the header is row 1.")
    column = serializers.CharField(help_text="Empty when the problem is the whole row.")
    message = serializers.CharField()


class ImportReplySerializer(serializers.Serializer):
    records_created = serializers.IntegerField()
    records_skipped = serializers.IntegerField(help_text="Rows already imported before.")
    records_valid = serializers.IntegerField(
        help_text="Rows that passed every check and are new (what a dry run would create)."
    )
    rows_total = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors_truncated = serializers.BooleanField(
        help_text="True when there are more errors than the list shows."
    )
    errors = ImportErrorSerializer(many=True)
    dry_run = serializers.BooleanField()
    batch_id = serializers.IntegerField(allow_null=True)


class ImportJobSerializer(serializers.ModelSerializer):
    """An upload imported in the background, polled until it is done or failed."""

    progress = serializers.SerializerMethodField(
        help_text="Percent of the rows read so far, 0 to 100; 100 only once done."
    )
    report = serializers.SerializerMethodField(
        help_text="Once done, the report a synchronous upload answers with; null until then."
    )

    class Meta:
        model = ImportBatch
        fields = (
            "id",
            "kind",
            "status",
            "dry_run",
            "file_name",
            "rows_total",
            "rows_processed",
            "progress",
            "failure_reason",
            "created_at",
            "started_at",
            "finished_at",
            "report",
        )
        read_only_fields = fields
        extra_kwargs = {
            "rows_total": {
                "help_text": "Rows counted by line breaks while the job waits or runs; "
                "the rows the import read once done."
            },
            "failure_reason": {"help_text": "Why the import failed; empty unless failed."},
        }

    @extend_schema_field(serializers.IntegerField(min_value=0, max_value=100))
    def get_progress(self, job: ImportBatch) -> int:
        if job.status == ImportStatus.DONE:
            return 100
        if not job.rows_total:
            return 0
        return min(99, job.rows_processed * 100 // job.rows_total)

    @extend_schema_field(ImportReplySerializer(allow_null=True))
    def get_report(self, job: ImportBatch) -> dict | None:
        if job.status != ImportStatus.DONE:
            return None
        return ImportReplySerializer(
            {
                "records_created": job.records_created,
                "records_skipped": job.records_skipped,
                "records_valid": job.records_valid,
                "rows_total": job.rows_total,
                "error_count": job.error_count,
                "errors_truncated": job.error_count > len(job.errors),
                "errors": job.errors,
                "dry_run": job.dry_run,
                "batch_id": job.pk,
            }
        ).data
