"""Request and reply shapes of the backup endpoints, with seed 004's field names."""

from decimal import ROUND_HALF_UP, Decimal

from rest_framework import serializers

from audit.models_backup import Backup, BackupRestore, BackupStatus, RestoreStatus

MIB = Decimal(1024 * 1024)


class BackupTableSerializer(serializers.Serializer):
    table_name = serializers.CharField(max_length=100)
    date_column = serializers.CharField(max_length=100, required=False, allow_blank=True)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs: dict) -> dict:
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end and start > end:
            raise serializers.ValidationError({"end_date": ["Must not be before start_date."]})
        if (start or end) and not attrs.get("date_column"):
            raise serializers.ValidationError(
                {"date_column": ["Name the column the dates apply to."]}
            )
        return attrs


class BackupCreateSerializer(serializers.Serializer):
    backup_data = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="A label, e.g. daily_snapshot."
    )
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    tables = BackupTableSerializer(
        many=True,
        required=False,
        max_length=100,
        help_text=(
            "What this backup is meant to cover, kept with it as metadata. The archive "
            "always holds the whole database, so that it restores as a consistent unit."
        ),
    )

    def to_service_fields(self) -> dict:
        data = self.validated_data
        return {
            "label": data.get("backup_data", ""),
            "description": data.get("description", ""),
            "tables": [
                {
                    key: (value.isoformat() if hasattr(value, "isoformat") else value)
                    for key, value in table.items()
                }
                for table in data.get("tables", [])
            ],
        }


class BackupSerializer(serializers.ModelSerializer):
    # A string, as seed 004 shows it ("b1"); the path takes the same value.
    backup_id = serializers.CharField(source="pk", read_only=True)
    backup_data = serializers.CharField(source="label", read_only=True)
    snapshot_name = serializers.CharField(source="name", read_only=True)
    backup_file = serializers.CharField(source="name", read_only=True)
    storage_url = serializers.CharField(source="file_path", read_only=True)
    backup_path = serializers.CharField(source="file_path", read_only=True)
    backup_status = serializers.ChoiceField(
        source="status", choices=BackupStatus.choices, read_only=True
    )
    size_mb = serializers.SerializerMethodField()
    checksum = serializers.CharField(
        source="checksum_sha256", read_only=True, help_text="SHA-256 of the archive file."
    )
    details = serializers.ListField(source="tables", child=serializers.DictField(), read_only=True)
    tables = serializers.ListField(child=serializers.DictField(), read_only=True)
    created_by = serializers.IntegerField(source="creator_id", read_only=True, allow_null=True)

    class Meta:
        model = Backup
        fields = (
            "backup_id",
            "backup_data",
            "snapshot_name",
            "backup_file",
            "storage_url",
            "backup_path",
            "backup_status",
            "kind",
            "size_mb",
            "size_bytes",
            "checksum",
            "description",
            "details",
            "tables",
            "database",
            "error",
            "created_at",
            "started_at",
            "completed_at",
            "created_by",
        )
        read_only_fields = fields

    def get_size_mb(self, obj: Backup) -> str | None:
        if obj.size_bytes is None:
            return None
        return str((Decimal(obj.size_bytes) / MIB).quantize(Decimal("0.01"), ROUND_HALF_UP))


class BackupCreateReplySerializer(BackupSerializer):
    message = serializers.SerializerMethodField()

    class Meta(BackupSerializer.Meta):
        fields = (*BackupSerializer.Meta.fields, "message")
        read_only_fields = fields

    def get_message(self, obj: Backup) -> str:
        return {
            BackupStatus.COMPLETED: "Backup completed successfully.",
            BackupStatus.FAILED: "Backup failed.",
        }.get(obj.status, "Backup started; its status shows when it is done.")


class BackupRestoreRequestSerializer(serializers.Serializer):
    password = serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        max_length=256,
        style={"input_type": "password"},
        help_text="The superuser's own password, to confirm.",
    )
    target_db = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        help_text="Only the server's own database may be named; empty means that one.",
    )
    clean = serializers.BooleanField(
        required=False,
        default=True,
        help_text=(
            "Accepted for compatibility. A restore into the live database always "
            "replaces the objects the archive holds (pg_restore --clean)."
        ),
    )


class BackupRestoreSerializer(serializers.ModelSerializer):
    restore_id = serializers.IntegerField(source="pk", read_only=True)
    backup_id = serializers.IntegerField(read_only=True, allow_null=True)
    safety_backup_id = serializers.IntegerField(read_only=True, allow_null=True)
    requested_by = serializers.IntegerField(
        source="requested_by_id", read_only=True, allow_null=True
    )
    message = serializers.SerializerMethodField()

    class Meta:
        model = BackupRestore
        fields = (
            "restore_id",
            "backup_id",
            "backup_name",
            "safety_backup_id",
            "status",
            "error",
            "requested_by",
            "requested_at",
            "started_at",
            "completed_at",
            "message",
        )
        read_only_fields = fields

    def get_message(self, obj: BackupRestore) -> str:
        return {
            RestoreStatus.COMPLETED: "Restore completed.",
            RestoreStatus.FAILED: "Restore failed; the database was not changed.",
        }.get(obj.status, "Restore started in the background, after a safety backup.")
