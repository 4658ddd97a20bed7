from django.contrib import admin

from config.admin import ReadOnlyAdmin
from idempotency.models import IdempotencyRecord


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "key", "path", "status_code", "created_at", "completed_at")
    list_filter = ("status_code",)
    search_fields = ("key", "path")
    list_select_related = ("user",)
    # A kept reply can hold a payment's checkout details, and the lock is internal;
    # the status says what happened.
    exclude = ("response_body", "lock_token")
