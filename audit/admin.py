from django.contrib import admin, messages

import audit.backups.admin  # noqa: F401  (registers the backup pages)
from audit.chain import verify_chain
from audit.models import ApiRequestLog, AuditChainAnchor, AuditEvent


class AppendOnlyAdmin(admin.ModelAdmin):
    """Evidence: shown whole and read-only, nobody adds, edits or deletes rows from the admin."""

    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(AppendOnlyAdmin):
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
    actions = ("check_chain",)

    @admin.action(description="Check the whole trail for tampering", permissions=["view"])
    def check_chain(self, request, queryset):
        # The chain is one sequence: checking only the selected rows would prove nothing.
        report = verify_chain()
        if report.ok:
            self.message_user(
                request, f"The trail is intact: {report.checked} sealed event(s) checked."
            )
        else:
            self.message_user(
                request,
                f"The trail is broken at event #{report.broken_at}: {report.reason}.",
                messages.ERROR,
            )


@admin.register(AuditChainAnchor)
class AuditChainAnchorAdmin(AppendOnlyAdmin):
    """Where the chain restarts after old events were pruned."""

    list_display = ("sequence", "pruned_count", "created_at")
    date_hierarchy = "created_at"


@admin.register(ApiRequestLog)
class ApiRequestLogAdmin(AppendOnlyAdmin):
    """Bodies are redacted when the row is written; what is shown is what was kept."""

    list_display = ("created_at", "method", "path", "status_code", "duration_ms", "user", "ip")
    list_filter = ("method", "status_code")
    search_fields = ("path", "request_id", "ip", "user__username")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
