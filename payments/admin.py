"""Django admin: payments, what providers said, refunds. Read-only; commands go through services."""

import uuid
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse

from config.admin import ReadOnlyAdmin, ReadOnlyInline
from config.exceptions import ApiError
from payments.models import Payment, PaymentEvent, Refund, SandboxOrder, SandboxPayment
from payments.providers import ProviderUnavailable
from payments.services.reconcile import payment_recheck
from payments.services.refunds import payment_refund, refund_retry


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text="Leave empty to refund all that is left of each payment.",
    )
    reason = forms.CharField(max_length=255)
    # One key per rendering of the form: submitting it twice refunds once.
    request_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ("amount", "status", "reason", "provider_refund_id", "failure_reason", "created_at")
    readonly_fields = fields


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "reference",
        "user",
        "purpose",
        "provider",
        "amount",
        "currency",
        "status",
        "provider_order_id",
        "created_at",
    )
    list_filter = ("status", "provider", "purpose", "failure_code")
    search_fields = (
        "=reference",
        "provider_order_id",
        "provider_payment_id",
        "user__username",
        "user__mobile",
    )
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    inlines = (RefundInline,)
    actions = ("recheck", "refund")

    def has_recheck_permission(self, request) -> bool:
        return request.user.has_perm("payments.recheck_payment")

    def has_refund_permission(self, request) -> bool:
        return request.user.has_perm("payments.refund_payment")

    @admin.action(description="Re-check with the provider", permissions=["recheck"])
    def recheck(self, request, queryset):
        for payment in queryset.order_by("pk"):
            try:
                payment = payment_recheck(payment_id=payment.pk)
            except ProviderUnavailable:
                self.message_user(
                    request, f"{payment.reference}: the provider is not answering.", messages.ERROR
                )
                continue
            self.message_user(request, f"{payment.reference}: {payment.get_status_display()}.")

    @admin.action(description="Refund the selected payments…", permissions=["refund"])
    def refund(self, request, queryset):
        if not self.has_refund_permission(request):
            raise PermissionDenied
        form = RefundForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/payments/refund.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Refund payments",
                    "form": form,
                    "payments": queryset,
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for payment in queryset.order_by("pk"):
            try:
                refund = payment_refund(
                    payment_id=payment.pk,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    key=f"admin:{form.cleaned_data['request_key']}",
                    actor=request.user,
                )
            except (ApiError, ValidationError) as exc:
                self.message_user(request, f"{payment.reference}: {_message(exc)}", messages.ERROR)
                continue
            self.message_user(
                request,
                f"{payment.reference}: refund of {refund.amount} requested.",
                messages.SUCCESS,
            )
        return None


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc.detail)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("reference", "payment", "amount", "status", "reason", "attempts", "created_at")
    list_filter = ("status",)
    search_fields = ("=reference", "provider_refund_id", "payment__provider_order_id", "reason")
    list_select_related = ("payment",)
    date_hierarchy = "created_at"
    actions = ("retry",)

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("payments.refund_payment")

    @admin.action(description="Send failed refunds again", permissions=["retry"])
    def retry(self, request, queryset):
        for refund in queryset.order_by("pk"):
            try:
                refund = refund_retry(refund_id=refund.pk, actor=request.user)
            except ApiError as exc:
                self.message_user(request, f"{refund.reference}: {exc.detail}", messages.ERROR)
                continue
            self.message_user(request, f"{refund.reference}: {refund.get_status_display()}.")


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "provider", "source", "event_type", "event_id", "payment", "created_at")
    list_filter = ("provider", "source", "event_type")
    search_fields = ("event_id", "payment__provider_order_id", "=payment__reference")
    list_select_related = ("payment",)
    date_hierarchy = "created_at"


class SandboxPaymentInline(ReadOnlyInline):
    model = SandboxPayment
    fields = ("payment_id", "entity", "refunds", "created_at")
    readonly_fields = fields


@admin.register(SandboxOrder)
class SandboxOrderAdmin(ReadOnlyAdmin):
    list_display = ("order_id", "receipt", "amount_minor", "currency", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("order_id", "receipt")
    inlines = (SandboxPaymentInline,)


@admin.register(SandboxPayment)
class SandboxPaymentAdmin(ReadOnlyAdmin):
    list_display = ("payment_id", "order", "created_at")
    search_fields = ("payment_id", "order__order_id")
    list_select_related = ("order",)
