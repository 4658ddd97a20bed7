"""Staff look at lending data here; changes go through the API, where they are audited."""

from django.contrib import admin

from lending.models import (
    Customer,
    ImportBatch,
    Installment,
    Interaction,
    Loan,
    Repayment,
    RepaymentAllocation,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = (
        "customer_code",
        "name",
        "phone",
        "city",
        "state",
        "assigned_collection_officer",
        "created_at",
    )
    list_filter = ("state", "assigned_collection_officer__user_type")
    search_fields = ("customer_code", "name", "phone", "email", "city", "pincode")
    list_select_related = ("assigned_collection_officer",)
    date_hierarchy = "created_at"


class InstallmentInline(admin.TabularInline):
    model = Installment
    fields = (
        "number",
        "due_date",
        "opening_balance",
        "principal_due",
        "interest_due",
        "closing_balance",
        "principal_paid",
        "interest_paid",
        "paid_off_on",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = (
        "loan_account_number",
        "customer",
        "loan_type",
        "principal_amount",
        "outstanding_amount",
        "days_past_due",
        "delinquency_bucket",
        "status",
        "loan_date",
    )
    list_filter = ("status", "delinquency_bucket", "loan_type")
    search_fields = ("loan_account_number", "customer__customer_code", "customer__name")
    list_select_related = ("customer",)
    date_hierarchy = "loan_date"
    inlines = [InstallmentInline]


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    list_display = (
        "timestamp",
        "interaction_type",
        "disposition",
        "loan",
        "created_by",
        "next_call_date",
    )
    list_filter = ("interaction_type", "disposition")
    search_fields = ("comment", "loan__loan_account_number", "loan__customer__name")
    list_select_related = ("loan", "created_by")
    date_hierarchy = "timestamp"


class AllocationInline(admin.TabularInline):
    model = RepaymentAllocation
    fields = ("installment", "interest", "principal")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Repayment)
class RepaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "paid_on",
        "loan",
        "amount",
        "interest_component",
        "principal_component",
        "method",
        "received_by",
    )
    list_filter = ("method",)
    search_fields = ("loan__loan_account_number", "reference")
    list_select_related = ("loan", "received_by")
    date_hierarchy = "paid_on"
    inlines = [AllocationInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "kind",
        "status",
        "dry_run",
        "uploaded_by",
        "file_name",
        "rows_total",
        "rows_processed",
        "records_created",
        "records_skipped",
        "error_count",
    )
    list_filter = ("kind", "status", "dry_run")
    search_fields = ("file_name", "file_sha256")
    list_select_related = ("uploaded_by",)
