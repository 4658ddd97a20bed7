import django_filters
from django.db.models import QuerySet

from billing.models import District, Organization, OrganizationTier, Thana


class DistrictFilter(django_filters.FilterSet):
    division = django_filters.NumberFilter(field_name="division_id", help_text="Division id.")

    class Meta:
        model = District
        fields = ("division",)


class ThanaFilter(django_filters.FilterSet):
    district = django_filters.NumberFilter(field_name="district_id", help_text="District id.")
    division = django_filters.NumberFilter(
        field_name="district__division_id", help_text="Division id."
    )

    class Meta:
        model = Thana
        fields = ("district", "division")


class OrganizationFilter(django_filters.FilterSet):
    tier = django_filters.ChoiceFilter(choices=OrganizationTier.choices)
    parent = django_filters.NumberFilter(field_name="parent_id", help_text="Direct children of.")
    within = django_filters.NumberFilter(
        method="filter_within",
        help_text="An organization id: that organization and everything below it.",
    )
    organization_type = django_filters.CharFilter(lookup_expr="iexact")
    revenue_sharing_enabled = django_filters.BooleanFilter()

    class Meta:
        model = Organization
        fields = ("tier", "parent", "within", "organization_type", "revenue_sharing_enabled")

    def filter_within(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # The queryset is already the caller's scope, so an id outside it finds nothing.
        top = queryset.filter(pk=value).values_list("path", flat=True).first()
        if top is None:
            return queryset.none()
        return queryset.filter(path__startswith=top)
