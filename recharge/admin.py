"""Django admin: the catalogue, wallets, the ledger, transactions and autopays, to look at.

Money and subscriptions change only through the services (with their locks and
audit events), so these pages are read-only; a ledger entry is corrected by the
"reverse" action, which writes the reversing entry.
"""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse

from config.admin import ReadOnlyAdmin, ReadOnlyInline
from recharge.aggregators import AggregatorUnavailable
from recharge.errors import InsufficientBalance
from recharge.models import (
    Autopay,
    AutopayCharge,
    Fulfilment,
    LedgerEntry,
    Offer,
    OfferRedemption,
    OfferType,
    Plan,
    PlanGroup,
    ReferralReward,
    Transaction,
    UserPlan,
    Wallet,
)
from recharge.services.fulfilment import fulfilment_recheck
from recharge.services.wallet import ledger_entry_reverse, wallet_credit_by_staff


@admin.register(PlanGroup)
class PlanGroupAdmin(ReadOnlyAdmin):
    list_display = ("id", "group_name", "created_at")
    search_fields = ("group_name",)


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("id", "plan_name", "plan_type", "price", "validity", "status", "most_popular")
    list_filter = ("status", "plan_type", "most_popular")
    search_fields = ("plan_name",)


@admin.register(OfferType)
class OfferTypeAdmin(ReadOnlyAdmin):
    list_display = ("id", "offer_type_name")
    search_fields = ("offer_type_name",)


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "offer_name",
        "status",
        "discount_type",
        "discount_value",
        "redemptions_count",
        "max_redemptions_total",
        "valid_from",
        "valid_to",
    )
    list_filter = ("status", "discount_type", "is_special")
    search_fields = ("offer_name",)


class CreditForm(forms.Form):
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(max_length=200)


@admin.register(Wallet)
class WalletAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "balance", "updated_at")
    search_fields = ("user__username", "user__email", "user__mobile")
    list_select_related = ("user",)
    actions = ("credit",)

    def has_credit_permission(self, request) -> bool:
        return request.user.has_perm("recharge.credit_wallet")

    @admin.action(description="Credit the selected wallets…", permissions=["credit"])
    def credit(self, request, queryset):
        if not self.has_credit_permission(request):
            raise PermissionDenied
        form = CreditForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/recharge/wallet_credit.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Credit wallets",
                    "form": form,
                    "wallets": queryset.select_related("user"),
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for wallet in queryset.order_by("pk"):
            try:
                wallet_credit_by_staff(
                    user_id=wallet.user_id,
                    amount=form.cleaned_data["amount"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                self.message_user(request, f"{wallet}: {'; '.join(exc.messages)}", messages.ERROR)
                continue
            self.message_user(
                request, f"{wallet}: credited {form.cleaned_data['amount']}.", messages.SUCCESS
            )
        return None


@admin.register(Fulfilment)
class FulfilmentAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "transaction",
        "status",
        "aggregator",
        "operator",
        "aggregator_reference",
        "attempts",
        "failure_reason",
        "updated_at",
    )
    list_filter = ("status", "aggregator")
    search_fields = ("aggregator_reference", "transaction__phone_number", "=transaction__reference")
    list_select_related = ("transaction",)
    actions = ("recheck",)

    def has_recheck_permission(self, request) -> bool:
        return request.user.has_perm("recharge.recheck_fulfilment")

    @admin.action(description="Ask the aggregator again", permissions=["recheck"])
    def recheck(self, request, queryset):
        for fulfilment in queryset.order_by("pk"):
            try:
                fulfilment = fulfilment_recheck(fulfilment_id=fulfilment.pk, actor=request.user)
            except AggregatorUnavailable:
                self.message_user(
                    request, f"{fulfilment}: the aggregator is not answering.", messages.ERROR
                )
                continue
            self.message_user(request, f"{fulfilment}.")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "wallet",
        "amount",
        "balance_after",
        "transaction",
        "reverses",
        "created_at",
    )
    search_fields = ("wallet__user__username", "wallet__user__mobile", "description")
    list_select_related = ("wallet__user", "transaction", "reverses")
    actions = ("reverse_entries",)

    def has_reverse_permission(self, request) -> bool:
        return request.user.has_perm("recharge.reverse_ledgerentry")

    @admin.action(description="Reverse the selected entries", permissions=["reverse"])
    def reverse_entries(self, request, queryset):
        if not self.has_reverse_permission(request):
            raise PermissionDenied
        done = 0
        for entry in queryset.order_by("pk"):
            try:
                ledger_entry_reverse(
                    entry_id=entry.pk, actor=request.user, reason="Reversed from the admin."
                )
                done += 1
            except InsufficientBalance:
                self.message_user(
                    request,
                    f"Entry {entry.pk}: the wallet no longer holds the amount to take back.",
                    messages.ERROR,
                )
            except Exception as exc:  # a Conflict: already reversed, or itself a reversal
                self.message_user(request, f"Entry {entry.pk}: {exc}", messages.ERROR)
        if done:
            self.message_user(request, f"Reversed {done} entries.", messages.SUCCESS)


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "user",
        "category",
        "txn_type",
        "amount",
        "source",
        "status",
        "payment_method",
        "created_at",
    )
    list_filter = ("status", "category", "source", "payment_method", "gateway")
    search_fields = (
        "user__username",
        "user__mobile",
        "phone_number",
        "gateway_reference",
        "=reference",
    )
    list_select_related = ("user",)


@admin.register(UserPlan)
class UserPlanAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "plan", "phone_number", "status", "valid_from", "valid_to")
    list_filter = ("status",)
    search_fields = ("phone_number", "user__username", "plan__plan_name")
    list_select_related = ("user", "plan")


@admin.register(OfferRedemption)
class OfferRedemptionAdmin(ReadOnlyAdmin):
    list_display = ("id", "offer", "user", "transaction", "discount_amount", "created_at")
    search_fields = ("offer__offer_name", "user__username")
    list_select_related = ("offer", "user", "transaction")


class AutopayChargeInline(ReadOnlyInline):
    model = AutopayCharge
    fields = ("due_date", "status", "attempts", "transaction", "message", "updated_at")
    readonly_fields = fields


@admin.register(Autopay)
class AutopayAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "user",
        "plan",
        "phone_number",
        "status",
        "next_due_date",
        "failure_count",
        "last_failure_reason",
        "removed_at",
    )
    list_filter = ("status",)
    search_fields = ("phone_number", "tag", "user__username", "user__mobile")
    list_select_related = ("user", "plan")
    inlines = (AutopayChargeInline,)


@admin.register(AutopayCharge)
class AutopayChargeAdmin(ReadOnlyAdmin):
    list_display = ("id", "autopay", "due_date", "status", "attempts", "transaction", "message")
    list_filter = ("status",)
    search_fields = ("message",)


@admin.register(ReferralReward)
class ReferralRewardAdmin(ReadOnlyAdmin):
    list_display = ("id", "referrer", "referred", "reward_amount", "status", "claimed_at")
    list_filter = ("status",)
    search_fields = ("referrer__username", "referred__username")
    list_select_related = ("referrer", "referred")


import recharge.notifications.admin  # noqa: E402,F401
