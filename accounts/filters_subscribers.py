"""Filters, sorting and paging of seed 004's subscriber and admin lists.

Seed 004 sorts with `sort_by`/`sort_order` (a reply field name); DRF's
`ordering` works too. These lists are bare arrays paged with `skip`/`limit`
(config.pagination.BareListPagination).
"""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from accounts.models import AccountStatus, Role, SubscriberType, User, UserRole


class SortByOrderingFilter(OrderingFilter):
    """DRF's `ordering`, plus seed 004's `sort_by` (a reply field name) and `sort_order`.

    The view's `sort_fields` maps each reply field a caller may sort by to the
    columns behind it. The primary key always breaks ties, so pages never
    overlap or skip rows.
    """

    def get_ordering(self, request, queryset, view):
        sort_by = request.query_params.get("sort_by")
        # Checked even without sort_by: a value the schema refuses is never ignored.
        sort_order = request.query_params.get("sort_order") or "asc"
        if sort_order not in ("asc", "desc"):
            raise ValidationError({"sort_order": ["Choose asc or desc."]})
        if not sort_by:
            ordering = super().get_ordering(request, queryset, view)
            return [*ordering, "pk"] if ordering else ordering
        sort_fields = getattr(view, "sort_fields", {})
        if sort_by not in sort_fields:
            raise ValidationError(
                {"sort_by": [f"Choose one of: {', '.join(sorted(sort_fields))}."]}
            )
        prefix = "-" if sort_order == "desc" else ""
        return [f"{prefix}{column}" for column in (*sort_fields[sort_by], "pk")]

    def get_schema_operation_parameters(self, view):
        sort_fields = sorted(getattr(view, "sort_fields", {}))
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": "sort_by",
                "required": False,
                "in": "query",
                "description": "Reply field to sort by (seed 004).",
                "schema": {"type": "string", "enum": sort_fields},
            },
            {
                "name": "sort_order",
                "required": False,
                "in": "query",
                "description": "asc (default) or desc.",
                "schema": {"type": "string", "enum": ["asc", "desc"]},
            },
        ]


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


class _PeopleFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(method="filter_name", label="Name contains")
    email = django_filters.CharFilter(field_name="email", lookup_expr="icontains")
    phone_number = django_filters.CharFilter(method="filter_phone", label="Phone number contains")

    def filter_name(self, queryset, name, value: str):
        condition = Q()
        for word in value.split():
            condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        return queryset.filter(condition)

    def filter_phone(self, queryset, name, value: str):
        digits = _digits(value)
        return queryset.filter(mobile__contains=digits) if digits else queryset


class SubscriberFilter(_PeopleFilter):
    """Seed 004's subscriber list: `user_type` is the subscriber kind."""

    status = django_filters.ChoiceFilter(choices=AccountStatus.choices, method="filter_status")
    user_type = django_filters.ChoiceFilter(
        field_name="subscriber_type", choices=SubscriberType.choices
    )

    class Meta:
        model = User
        fields = ("name", "email", "phone_number", "status", "user_type")

    def filter_status(self, queryset, name, value: str):
        # A block whose time has passed is over, whatever the column still says.
        lapsed = Q(status=AccountStatus.BLOCKED, blocked_until__lte=timezone.now())
        if value == AccountStatus.ACTIVE:
            return queryset.filter(Q(status=AccountStatus.ACTIVE) | lapsed)
        if value == AccountStatus.BLOCKED:
            return queryset.filter(status=AccountStatus.BLOCKED).exclude(lapsed)
        return queryset.filter(status=value)


class ArchivedSubscriberFilter(_PeopleFilter):
    user_type = django_filters.ChoiceFilter(
        field_name="subscriber_type", choices=SubscriberType.choices
    )

    class Meta:
        model = User
        fields = ("name", "email", "phone_number", "user_type")


class AdminFilter(_PeopleFilter):
    """Seed 004's admin list: `role_name` keeps those holding that role now."""

    role_name = django_filters.CharFilter(method="filter_role_name", label="Holds this role")

    class Meta:
        model = User
        fields = ("name", "email", "phone_number", "role_name")

    def filter_role_name(self, queryset, name, value: str):
        roles = Role.objects.filter(Q(name__iexact=value) | Q(display_name__iexact=value))
        holding = UserRole.objects.active().filter(user=OuterRef("pk"), role__in=roles)
        return queryset.filter(Exists(holding))
