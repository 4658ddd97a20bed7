"""Request validation and reply shapes of the ISP billing endpoints (no business rules)."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.models import (
    RESELLING_TIERS,
    District,
    InvoiceStatus,
    IspInvoice,
    IspInvoiceLine,
    IspPackage,
    IspPackageTierPrice,
    IspPayment,
    IspPaymentAllocation,
    IspPaymentMethod,
    IspStatusChange,
    IspSubscriber,
    Organization,
    ResellerAccount,
    ResellerCommission,
    ResellerEntryKind,
    ResellerLedgerEntry,
    Thana,
)
from billing.selectors import organizations_visible_to

MONEY = {"max_digits": 14, "decimal_places": 2}
POSITIVE = {**MONEY, "min_value": Decimal("0.01"), "max_value": Decimal("999999999999.99")}


@extend_schema_field(OpenApiTypes.INT)
class _ScopedOrganizationField(serializers.PrimaryKeyRelatedField):
    """An organization id among those the caller sees (others do not exist for them)."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Organization.objects.none()
        return organizations_visible_to(request.user)


class IspTierPriceSerializer(serializers.ModelSerializer):
    tier = serializers.ChoiceField(choices=[(t.value, t.label) for t in RESELLING_TIERS])
    price = serializers.DecimalField(**POSITIVE)

    class Meta:
        model = IspPackageTierPrice
        fields = ("tier", "price")


class IspPackageSerializer(serializers.ModelSerializer):
    organization = _ScopedOrganizationField(help_text="The owner: your organization or one below.")
    organization_name = serializers.CharField(source="organization.company_name", read_only=True)
    price = serializers.DecimalField(**POSITIVE, help_text="BDT per period, a decimal string.")
    download_mbps = serializers.IntegerField(min_value=1, max_value=100_000)
    upload_mbps = serializers.IntegerField(min_value=1, max_value=100_000)
    validity_days = serializers.IntegerField(
        min_value=1, max_value=366, required=False, allow_null=True
    )
    sellers = _ScopedOrganizationField(many=True, required=False)
    tier_prices = IspTierPriceSerializer(
        many=True,
        required=False,
        help_text="What each reseller tier is debited per period; replaced as a whole when sent.",
    )

    class Meta:
        model = IspPackage
        fields = (
            "id",
            "organization",
            "organization_name",
            "name",
            "code",
            "download_mbps",
            "upload_mbps",
            "price",
            "validity_kind",
            "validity_days",
            "billing_mode",
            "sellers",
            "tier_prices",
            "is_active",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "created_at", "updated_at")


class IspSubscriberSerializer(serializers.ModelSerializer):
    organization = _ScopedOrganizationField()
    organization_name = serializers.CharField(source="organization.company_name", read_only=True)
    package = serializers.PrimaryKeyRelatedField(queryset=IspPackage.objects.none())
    package_name = serializers.CharField(source="package.name", read_only=True)
    phone = serializers.CharField(max_length=32, help_text="Local (01712345678) or E.164.")
    billing_day = serializers.IntegerField(
        min_value=1, max_value=28, required=False, help_text="1-28; default today's day (max 28)."
    )
    district = serializers.PrimaryKeyRelatedField(
        queryset=District.objects.all(), required=False, allow_null=True
    )
    thana = serializers.PrimaryKeyRelatedField(
        queryset=Thana.objects.all(), required=False, allow_null=True
    )
    district_name = serializers.CharField(
        source="district.name", read_only=True, default=None, allow_null=True
    )
    thana_name = serializers.CharField(
        source="thana.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = IspSubscriber
        fields = (
            "id",
            "organization",
            "organization_name",
            "name",
            "phone",
            "email",
            "pppoe_username",
            "package",
            "package_name",
            "status",
            "status_reason",
            "billing_day",
            "address",
            "district",
            "district_name",
            "thana",
            "thana_name",
            "hold_suspension_until",
            "period_start",
            "period_end",
            "grace_ends_at",
            "activated_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = (
            "id",
            "status",
            "status_reason",
            "hold_suspension_until",
            "period_start",
            "period_end",
            "grace_ends_at",
            "activated_at",
            "created_at",
            "updated_at",
        )

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            from billing.isp_selectors import packages_visible_to

            fields["package"].queryset = packages_visible_to(request.user)
        if self.instance is not None:
            # The owner and package change through their own commands.
            fields["organization"].read_only = True
            fields["package"].read_only = True
        return fields


class IspStatusChangeSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = IspStatusChange
        fields = ("id", "from_status", "to_status", "reason", "actor", "created_at")


class IspReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class IspHoldSerializer(serializers.Serializer):
    until = serializers.DateField(
        allow_null=True, help_text="No suspension for non-payment before then; null lifts it."
    )


class IspChangePackageSerializer(serializers.Serializer):
    package = serializers.PrimaryKeyRelatedField(queryset=IspPackage.objects.none())

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            from billing.isp_selectors import packages_visible_to

            fields["package"].queryset = packages_visible_to(request.user)
        return fields


class IspPaymentRequestSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**POSITIVE, help_text="BDT, a decimal string.")
    method = serializers.ChoiceField(choices=IspPaymentMethod.choices)
    reference = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="The bKash/Nagad transaction id (required for those).",
    )
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class IspInvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = IspInvoiceLine
        fields = ("id", "kind", "package", "description", "days", "period_days", "amount")


class IspAllocationSerializer(serializers.ModelSerializer):
    receipt_number = serializers.CharField(source="payment.receipt_number", read_only=True)
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)

    class Meta:
        model = IspPaymentAllocation
        fields = ("id", "payment", "receipt_number", "invoice", "invoice_number", "amount")


class IspInvoiceSerializer(serializers.ModelSerializer):
    subscriber_name = serializers.CharField(source="subscriber.name", read_only=True)
    balance_due = serializers.DecimalField(**MONEY, read_only=True)
    status = serializers.ChoiceField(choices=InvoiceStatus.choices, read_only=True)

    class Meta:
        model = IspInvoice
        fields = (
            "id",
            "number",
            "organization",
            "subscriber",
            "subscriber_name",
            "period_start",
            "period_end",
            "due_date",
            "total",
            "amount_paid",
            "balance_due",
            "status",
            "paid_at",
            "created_at",
        )
        read_only_fields = fields


class IspInvoiceDetailSerializer(IspInvoiceSerializer):
    lines = IspInvoiceLineSerializer(many=True, read_only=True)
    allocations = IspAllocationSerializer(many=True, read_only=True)

    class Meta(IspInvoiceSerializer.Meta):
        fields = (*IspInvoiceSerializer.Meta.fields, "lines", "allocations")
        read_only_fields = fields


class IspPaymentSerializer(serializers.ModelSerializer):
    subscriber_name = serializers.CharField(source="subscriber.name", read_only=True)
    collected_by = serializers.CharField(
        source="collected_by.username", read_only=True, default=None, allow_null=True
    )
    allocations = IspAllocationSerializer(many=True, read_only=True)

    class Meta:
        model = IspPayment
        fields = (
            "id",
            "receipt_number",
            "organization",
            "subscriber",
            "subscriber_name",
            "amount",
            "unallocated",
            "method",
            "reference",
            "collected_by",
            "note",
            "received_at",
            "allocations",
            "created_at",
        )
        read_only_fields = fields


class IspResellerAccountSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.company_name", read_only=True)
    organization_code = serializers.CharField(source="organization.company_code", read_only=True)
    tier = serializers.CharField(source="organization.tier", read_only=True)

    class Meta:
        model = ResellerAccount
        fields = (
            "id",
            "organization",
            "organization_name",
            "organization_code",
            "tier",
            "balance",
            "updated_at",
        )
        read_only_fields = fields


class IspTopUpSerializer(serializers.Serializer):
    organization = _ScopedOrganizationField(help_text="A reseller or sub-reseller below yours.")
    amount = serializers.DecimalField(**POSITIVE)
    reason = serializers.CharField(max_length=255, help_text="Where the money came from.")


class IspLedgerEntrySerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ResellerEntryKind.choices, read_only=True)
    organization = serializers.IntegerField(source="account.organization_id", read_only=True)

    class Meta:
        model = ResellerLedgerEntry
        fields = (
            "id",
            "organization",
            "kind",
            "amount",
            "balance_after",
            "subscriber",
            "invoice",
            "description",
            "created_at",
        )
        read_only_fields = fields


class IspStatementQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(help_text="First day (ISP local time).")
    date_to = serializers.DateField(help_text="Last day, included.")

    def validate(self, attrs):
        if attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"date_to": ["Must not be before date_from."]})
        if (attrs["date_to"] - attrs["date_from"]).days > 366:
            raise serializers.ValidationError({"date_to": ["At most 366 days at once."]})
        return attrs


class IspStatementSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.company_name")
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    opening_balance = serializers.DecimalField(**MONEY)
    credits = serializers.DecimalField(**MONEY)
    debits = serializers.DecimalField(**MONEY)
    closing_balance = serializers.DecimalField(**MONEY)
    totals_by_kind = serializers.DictField(child=serializers.DecimalField(**MONEY))
    entry_count = serializers.IntegerField(help_text="Entries in the period.")
    entries = IspLedgerEntrySerializer(
        many=True, help_text="The first 1000 entries; the reseller-statement report has them all."
    )


class IspCommissionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResellerCommission
        fields = (
            "id",
            "beneficiary",
            "source",
            "debit",
            "credit",
            "base_amount",
            "percent",
            "amount",
            "created_at",
        )
        read_only_fields = fields
