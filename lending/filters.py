"""List filters. References are plain ids (not choices checked against every row of
the table), so a filter never tells a caller whether an object outside their view exists."""

import django_filters

from lending.models import Customer, DelinquencyBucket, Disposition, Interaction, Loan, LoanStatus


class CustomerFilter(django_filters.FilterSet):
    assigned_collection_officer = django_filters.NumberFilter()
    unassigned = django_filters.BooleanFilter(
        field_name="assigned_collection_officer", lookup_expr="isnull"
    )

    class Meta:
        model = Customer
        fields = {
            "city": ["exact", "iexact"],
            "state": ["exact", "iexact"],
            "pincode": ["exact"],
            "created_at": ["gte", "lte"],
        }


class LoanFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter()
    status = django_filters.ChoiceFilter(choices=LoanStatus.choices)
    delinquency_bucket = django_filters.ChoiceFilter(choices=DelinquencyBucket.choices)
    days_past_due_min = django_filters.NumberFilter(field_name="days_past_due", lookup_expr="gte")
    days_past_due_max = django_filters.NumberFilter(field_name="days_past_due", lookup_expr="lte")

    class Meta:
        model = Loan
        fields = {
            "loan_type": ["exact"],
            "loan_date": ["gte", "lte"],
            "next_follow_up_date": ["lte", "gte"],
        }


class InteractionFilter(django_filters.FilterSet):
    disposition = django_filters.ChoiceFilter(choices=Disposition.choices)
    created_by = django_filters.NumberFilter()

    class Meta:
        model = Interaction
        fields = {
            "next_call_date": ["gte", "lte"],
            "timestamp": ["gte", "lte"],
        }
