import django_filters

from kyc.models import OPEN_STATUSES, KycKind, KycRecord, KycStatus


class KycRecordFilter(django_filters.FilterSet):
    kyc_type = django_filters.ChoiceFilter(field_name="kind", choices=KycKind.choices)
    status = django_filters.ChoiceFilter(choices=KycStatus.choices)
    user_id = django_filters.NumberFilter()
    is_current = django_filters.BooleanFilter(
        help_text="Only current submissions (true) or only history (false); both when absent."
    )

    class Meta:
        model = KycRecord
        fields = ["kyc_type", "status", "user_id", "is_current"]


class PendingKycFilter(django_filters.FilterSet):
    kyc_type = django_filters.ChoiceFilter(field_name="kind", choices=KycKind.choices)
    status = django_filters.ChoiceFilter(
        choices=[(value, KycStatus(value).label) for value in OPEN_STATUSES]
    )

    class Meta:
        model = KycRecord
        fields = ["kyc_type", "status"]


class KycByStatusFilter(django_filters.FilterSet):
    kyc_type = django_filters.ChoiceFilter(field_name="kind", choices=KycKind.choices)

    class Meta:
        model = KycRecord
        fields = ["kyc_type"]
