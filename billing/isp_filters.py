import django_filters

from billing.models import (
    BillingMode,
    InvoiceStatus,
    IspInvoice,
    IspPackage,
    IspPayment,
    IspPaymentMethod,
    IspSubscriber,
    ResellerEntryKind,
    ResellerLedgerEntry,
    SubscriberStatus,
    ValidityKind,
)


class PackageFilter(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id")
    validity_kind = django_filters.ChoiceFilter(choices=ValidityKind.choices)
    billing_mode = django_filters.ChoiceFilter(choices=BillingMode.choices)
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = IspPackage
        fields = ("organization", "validity_kind", "billing_mode", "is_active")


class SubscriberFilter(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id")
    package = django_filters.NumberFilter(field_name="package_id")
    status = django_filters.ChoiceFilter(choices=SubscriberStatus.choices)
    district = django_filters.NumberFilter(field_name="district_id")
    thana = django_filters.NumberFilter(field_name="thana_id")
    expires_before = django_filters.DateFilter(field_name="period_end", lookup_expr="lte")

    class Meta:
        model = IspSubscriber
        fields = ("organization", "package", "status", "district", "thana", "expires_before")


class InvoiceFilter(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id")
    subscriber = django_filters.NumberFilter(field_name="subscriber_id")
    status = django_filters.ChoiceFilter(choices=InvoiceStatus.choices)
    due_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = IspInvoice
        fields = ("organization", "subscriber", "status", "due_from", "due_to")


class PaymentFilter(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id")
    subscriber = django_filters.NumberFilter(field_name="subscriber_id")
    method = django_filters.ChoiceFilter(choices=IspPaymentMethod.choices)
    received_from = django_filters.DateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_to = django_filters.DateTimeFilter(field_name="received_at", lookup_expr="lt")

    class Meta:
        model = IspPayment
        fields = ("organization", "subscriber", "method", "received_from", "received_to")


class LedgerEntryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ResellerEntryKind.choices)

    class Meta:
        model = ResellerLedgerEntry
        fields = ("kind",)
