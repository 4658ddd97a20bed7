"""Django admin for ISP billing: money and history are read-only, changed only by services."""

from django.contrib import admin
from django.db.models import QuerySet

from billing.models import (
    IspInvoice,
    IspInvoiceLine,
    IspPackage,
    IspPackageTierPrice,
    IspPayment,
    IspPaymentAllocation,
    IspReceiptSequence,
    IspReminder,
    IspStatusChange,
    IspSubscriber,
    ResellerAccount,
    ResellerCommission,
    ResellerLedgerEntry,
)
from billing.selectors import organizations_visible_to


class ScopedReadOnlyAdmin(admin.ModelAdmin):
    """Seen within the staff member's organization tree; written only through the API's rules."""

    organization_path = "organization"

    def get_queryset(self, request) -> QuerySet:
        visible = organizations_visible_to(request.user, include_archived=True)
        return super().get_queryset(request).filter(**{f"{self.organization_path}__in": visible})

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TierPriceInline(ReadOnlyInline):
    model = IspPackageTierPrice
    fields = ("tier", "price")


@admin.register(IspPackage)
class IspPackageAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "code", "organization", "price", "validity_kind", "billing_mode")
    list_filter = ("validity_kind", "billing_mode", "is_active")
    list_select_related = ("organization",)
    search_fields = ("name", "code")
    inlines = [TierPriceInline]


@admin.register(IspPackageTierPrice)
class IspPackageTierPriceAdmin(ScopedReadOnlyAdmin):
    organization_path = "package__organization"
    list_display = ("package", "tier", "price")
    list_select_related = ("package",)


class StatusChangeInline(ReadOnlyInline):
    model = IspStatusChange
    fields = ("created_at", "from_status", "to_status", "reason", "actor")
    readonly_fields = fields


@admin.register(IspSubscriber)
class IspSubscriberAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "pppoe_username", "organization", "package", "status", "period_end")
    list_filter = ("status",)
    list_select_related = ("organization", "package")
    search_fields = ("name", "pppoe_username", "phone")
    inlines = [StatusChangeInline]


@admin.register(IspStatusChange)
class IspStatusChangeAdmin(ScopedReadOnlyAdmin):
    organization_path = "subscriber__organization"
    list_display = ("subscriber", "from_status", "to_status", "reason", "created_at")
    list_filter = ("to_status",)


@admin.register(IspReminder)
class IspReminderAdmin(ScopedReadOnlyAdmin):
    organization_path = "subscriber__organization"
    list_display = ("subscriber", "expires_on", "days_before", "created_at")


class InvoiceLineInline(ReadOnlyInline):
    model = IspInvoiceLine
    fields = ("kind", "description", "days", "period_days", "amount")
    readonly_fields = fields


@admin.register(IspInvoice)
class IspInvoiceAdmin(ScopedReadOnlyAdmin):
    list_display = ("number", "subscriber", "period_start", "due_date", "total", "amount_paid")
    list_filter = ("status",)
    list_select_related = ("subscriber",)
    search_fields = ("number", "subscriber__name")
    inlines = [InvoiceLineInline]


@admin.register(IspInvoiceLine)
class IspInvoiceLineAdmin(ScopedReadOnlyAdmin):
    organization_path = "invoice__organization"
    list_display = ("invoice", "kind", "description", "amount")


@admin.register(IspPayment)
class IspPaymentAdmin(ScopedReadOnlyAdmin):
    list_display = ("receipt_number", "subscriber", "amount", "method", "reference", "received_at")
    list_filter = ("method",)
    search_fields = ("receipt_number", "reference", "subscriber__name")


@admin.register(IspPaymentAllocation)
class IspPaymentAllocationAdmin(ScopedReadOnlyAdmin):
    organization_path = "payment__organization"
    list_display = ("payment", "invoice", "amount", "created_at")


@admin.register(IspReceiptSequence)
class IspReceiptSequenceAdmin(ScopedReadOnlyAdmin):
    list_display = ("organization", "last_number")


@admin.register(ResellerAccount)
class ResellerAccountAdmin(ScopedReadOnlyAdmin):
    list_display = ("organization", "balance", "updated_at")
    list_select_related = ("organization",)


@admin.register(ResellerLedgerEntry)
class ResellerLedgerEntryAdmin(ScopedReadOnlyAdmin):
    organization_path = "account__organization"
    list_display = ("account", "kind", "amount", "balance_after", "description", "created_at")
    list_filter = ("kind",)


@admin.register(ResellerCommission)
class ResellerCommissionAdmin(ScopedReadOnlyAdmin):
    organization_path = "beneficiary"
    list_display = ("beneficiary", "source", "base_amount", "percent", "amount", "created_at")
