"""Admin views of backups and restores: records, read-only (the API runs them)."""

from django.contrib import admin

from audit.models_backup import Backup, BackupRestore


class _ReadOnly(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting must remove the file and be audited: the API does both.
        return False


@admin.register(Backup)
class BackupAdmin(_ReadOnly):
    list_display = ("id", "name", "kind", "status", "size_bytes", "creator", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("name", "label", "description")
    date_hierarchy = "created_at"
    list_select_related = ("creator",)


@admin.register(BackupRestore)
class BackupRestoreAdmin(_ReadOnly):
    list_display = ("id", "backup_name", "status", "requested_by", "requested_at", "completed_at")
    list_filter = ("status",)
    search_fields = ("backup_name",)
    list_select_related = ("requested_by",)
