"""Staff look at lending data here; changes go through the API, where they are audited."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.db.models.functions import Length

from lending.models import (
    Customer,
    ImportBatch,
    ImportFile,
    Installment,
    Interaction,
    Loan,
    Repayment,
    RepaymentAllocation,
)
from lending.services.imports.jobs import import_job_fail


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
    date_hierarchy = "created_at"
    actions = ("stop_imports",)

    def has_stop_permission(self, request) -> bool:
        return request.user.has_perm("lending.change_importbatch")

    @admin.action(
        description="Stop the selected imports (report them failed)", permissions=["stop"]
    )
    def stop_imports(self, request, queryset):
        stopped = sum(
            import_job_fail(job_id=job_id, reason=f"Stopped by {request.user.get_username()}.")
            for job_id in queryset.order_by("pk").values_list("pk", flat=True)
        )
        self.message_user(
            request,
            f"{stopped} import(s) stopped; finished ones are left as they were.",
            messages.SUCCESS if stopped else messages.WARNING,
        )


@admin.register(Installment)
class InstallmentAdmin(ReadOnlyAdmin):
    list_display = (
        "loan",
        "number",
        "due_date",
        "principal_due",
        "interest_due",
        "principal_paid",
        "interest_paid",
        "paid_off_on",
    )
    list_filter = (("paid_off_on", admin.EmptyFieldListFilter),)
    search_fields = ("=loan__loan_account_number",)
    list_select_related = ("loan",)
    date_hierarchy = "due_date"
    ordering = ("loan_id", "number")


@admin.register(RepaymentAllocation)
class RepaymentAllocationAdmin(ReadOnlyAdmin):
    list_display = ("repayment", "installment", "interest", "principal")
    search_fields = ("=repayment__loan__loan_account_number",)
    list_select_related = ("repayment", "installment")


@admin.register(ImportFile)
class ImportFileAdmin(ReadOnlyAdmin):
    """An upload waiting for its import: its size only, the rows are people's data."""

    list_display = ("batch", "size_bytes")
    list_select_related = ("batch",)
    fields = ("batch", "size_bytes")
    readonly_fields = fields

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).defer("content").annotate(size=Length("content"))

    @admin.display(description="size (bytes)", ordering="size")
    def size_bytes(self, obj: ImportFile) -> int:
        return obj.size
