from rest_framework import serializers


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
