"""Django admin: announcements, notifications, content and contact messages, to look at.

Writes go through the services (validation, image checks, audit), so these pages
are read-only; contact messages are resolved by an action that calls the service.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from config.admin import ReadOnlyAdmin
from config.exceptions import Conflict
from recharge.notifications.models import (
    Announcement,
    ContactMessage,
    Content,
    Notification,
    SystemNotice,
)
from recharge.notifications.services.announcements import announcement_cancel, announcement_deliver
from recharge.notifications.services.contacts import contact_set_resolved


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "recipient_type",
        "category",
        "status",
        "scheduled_at",
        "delivered_at",
        "recipients_count",
    )
    list_filter = ("status", "recipient_type", "category")
    search_fields = ("description",)
    date_hierarchy = "deliver_after"
    actions = ("deliver_now", "cancel")

    def has_send_permission(self, request) -> bool:
        return request.user.has_perm("recharge.change_announcement")

    @admin.action(description="Deliver the selected due announcements now", permissions=["send"])
    def deliver_now(self, request, queryset):
        # The same claim as the scheduler's: one not yet due, or being sent, is left alone.
        for announcement_id in queryset.order_by("pk").values_list("pk", flat=True):
            count = announcement_deliver(announcement_id=announcement_id)
            if count is None:
                self.message_user(
                    request,
                    f"Announcement {announcement_id}: not due, or already sent or being sent.",
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request, f"Announcement {announcement_id}: delivered to {count} user(s)."
                )

    @admin.action(description="Cancel the selected announcements", permissions=["send"])
    def cancel(self, request, queryset):
        cancelled = 0
        for announcement in queryset.order_by("pk"):
            try:
                announcement_cancel(actor=request.user, announcement=announcement)
                cancelled += 1
            except Conflict as exc:
                self.message_user(request, f"{announcement}: {exc.detail}", messages.WARNING)
        self.message_user(request, f"{cancelled} announcement(s) cancelled.")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "announcement", "event", "read_at", "created_at")
    list_filter = ("event",)
    search_fields = ("user__username", "user__mobile", "description")
    list_select_related = ("user", "announcement")
    raw_id_fields = ("user", "announcement")


@admin.register(SystemNotice)
class SystemNoticeAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "event", "object_id", "window", "channels", "created_at")
    list_filter = ("event",)
    search_fields = ("user__username", "user__mobile")
    list_select_related = ("user",)
    raw_id_fields = ("user", "notification")


@admin.register(Content)
class ContentAdmin(ReadOnlyAdmin):
    list_display = ("id", "content_type", "title", "is_published", "position", "updated_at")
    list_filter = ("content_type", "is_published")
    search_fields = ("title", "body")


@admin.register(ContactMessage)
class ContactMessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "email", "resolved", "resolved_by", "created_at")
    list_filter = ("resolved",)
    search_fields = ("name", "email", "description")
    list_select_related = ("resolved_by",)
    actions = ("mark_resolved",)

    def has_resolve_permission(self, request) -> bool:
        return request.user.has_perm("recharge.change_contactmessage")

    @admin.action(description="Mark the selected messages resolved", permissions=["resolve"])
    def mark_resolved(self, request, queryset):
        if not self.has_resolve_permission(request):
            raise PermissionDenied
        done = 0
        for contact in queryset.filter(resolved=False).order_by("pk"):
            contact_set_resolved(actor=request.user, contact=contact, resolved=True)
            done += 1
        self.message_user(request, f"Resolved {done} messages.", messages.SUCCESS)
