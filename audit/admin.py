from django.contrib import admin

import audit.backups.admin  # noqa: F401  (registers the backup pages)
from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is evidence, nobody edits it from the admin."""

    list_display = (
        "sequence",
        "created_at",
        "action",
        "actor_label",
        "target_type",
        "target_id",
        "ip",
    )
    list_filter = ("action", "target_type")
    search_fields = ("action", "actor_label", "target_id", "request_id", "description")
    date_hierarchy = "created_at"
    list_select_related = ()
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
