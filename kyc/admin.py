"""KYC in the Django admin: read-only, masked numbers only, decisions as actions.

No ciphertext, blind index or vault reference is shown or editable; the masked
form stored on each record is all staff ever see.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from rest_framework.exceptions import APIException

from kyc import services
from kyc.models import AadhaarVault, IfscBranch, KycRecord

REVIEW_PERMISSION = "kyc.review_kyc"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=1000,
        help_text="Shown to the person.",
    )


@admin.register(KycRecord)
class KycRecordAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "user",
        "kind",
        "status",
        "number_masked",
        "verification_score",
        "submitted_at",
        "verified_at",
        "reviewed_by",
        "is_current",
    )
    list_filter = ("kind", "status", "is_current", "verification_provider")
    list_select_related = ("user", "reviewed_by")
    search_fields = ("user__username", "user__email", "user__mobile", "holder_name")
    ordering = ("-submitted_at", "-id")
    actions = ("approve_selected", "reject_selected", "request_resubmission_selected")
    fieldsets = (
        (None, {"fields": ("user", "kind", "status", "is_current", "number_masked")}),
        ("Document", {"fields": ("holder_name", "dob", "gender", "address", "pan_holder_type")}),
        (
            "Business and bank",
            {
                "fields": (
                    "business_type",
                    "registration_number",
                    "registration_date",
                    "ifsc",
                    "bank_name",
                    "account_type",
                )
            },
        ),
        (
            "Verification",
            {
                "fields": (
                    "submitted_at",
                    "otp_confirmed_at",
                    "verification_provider",
                    "verification_score",
                    "verification_checks",
                    "verified_at",
                )
            },
        ),
        (
            "Review",
            {"fields": ("reviewed_by", "reviewed_at", "rejection_reason", "review_note")},
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        return [field for _, options in self.fieldsets for field in options["fields"]]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm(REVIEW_PERMISSION)

    def _decide(self, request, queryset, decide, done: str) -> None:
        decided = 0
        for record in queryset.order_by("pk"):
            try:
                decide(record)
            except (APIException, ValidationError) as exc:
                detail = getattr(exc, "detail", None) or "; ".join(exc.messages)
                self.message_user(request, f"{record}: {detail}", messages.ERROR)
            else:
                decided += 1
        if decided:
            self.message_user(request, f"{decided} submission(s) {done}.", messages.SUCCESS)

    def _with_reason(self, request, queryset, *, action: str, title: str, decide, done: str):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._decide(request, queryset, lambda record: decide(record, reason), done)
            return None
        return TemplateResponse(
            request,
            "admin/kyc/kycrecord/review_reason.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                "prompt": f"{title}: give the reason the person will see.",
                "records": queryset.select_related("user"),
                "form": form,
                "action": action,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="Approve selected submissions", permissions=["review"])
    def approve_selected(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda record: services.kyc_approve(record_id=record.pk, reviewer=request.user),
            "approved",
        )

    @admin.action(description="Reject selected submissions…", permissions=["review"])
    def reject_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="reject_selected",
            title="Reject KYC submissions",
            decide=lambda record, reason: services.kyc_reject(
                record_id=record.pk, reviewer=request.user, reason=reason
            ),
            done="rejected",
        )

    @admin.action(description="Ask for resubmission of selected…", permissions=["review"])
    def request_resubmission_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="request_resubmission_selected",
            title="Ask for a new submission",
            decide=lambda record, reason: services.kyc_request_resubmission(
                record_id=record.pk, reviewer=request.user, reason=reason
            ),
            done="returned for resubmission",
        )


@admin.register(AadhaarVault)
class AadhaarVaultAdmin(admin.ModelAdmin):
    """Which key each entry is under (for rotation); never the ciphertext or its hash."""

    list_display = ("reference_key", "key_id", "created_at", "rotated_at")
    list_filter = ("key_id",)
    fields = ("reference_key", "key_id", "created_at", "rotated_at")
    readonly_fields = fields
    ordering = ("-created_at",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IfscBranch)
class IfscBranchAdmin(admin.ModelAdmin):
    """The bank and branch directory: loaded by `ifsc_directory_refresh`, not edited by hand."""

    list_display = ("ifsc", "bank", "branch", "city", "state", "neft", "rtgs", "imps", "upi")
    list_filter = ("neft", "rtgs", "imps", "upi", "state")
    search_fields = ("=ifsc", "bank", "branch", "city", "micr")
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
