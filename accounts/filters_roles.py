"""Query filters of the role, assignment and permission lists."""

import django_filters
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone

from accounts.models import CustomPermission, Role, UserRole


class RoleFilter(django_filters.FilterSet):
    role_level = django_filters.NumberFilter()
    role_level_min = django_filters.NumberFilter(field_name="role_level", lookup_expr="gte")
    role_level_max = django_filters.NumberFilter(field_name="role_level", lookup_expr="lte")

    class Meta:
        model = Role
        fields = ("is_active", "can_assign_roles", "role_level")


class UserRoleFilter(django_filters.FilterSet):
    user = django_filters.NumberFilter(field_name="user_id", help_text="The assignee's id.")
    role = django_filters.NumberFilter(field_name="role_id", help_text="The role's id.")
    role_name = django_filters.CharFilter(field_name="role__name", help_text="The role's name.")
    active = django_filters.BooleanFilter(
        method="filter_active",
        help_text="true: assignments granting their role now; false: revoked or expired ones.",
    )

    class Meta:
        model = UserRole
        fields = ("user", "role", "role_name", "active")

    def filter_active(self, queryset, name, value):
        live = Q(revoked_at__isnull=True, role__is_active=True) & (
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )
        return queryset.filter(live) if value else queryset.exclude(live)


class PermissionFilter(django_filters.FilterSet):
    app_label = django_filters.CharFilter(field_name="content_type__app_label")
    model = django_filters.CharFilter(field_name="content_type__model")
    category = django_filters.CharFilter(
        method="filter_category",
        help_text="A permission category's name, or an app label for model permissions.",
    )

    class Meta:
        model = Permission
        fields = ("app_label", "model", "category")

    def filter_category(self, queryset, name, value):
        return queryset.filter(
            Q(custom__category__name=value)
            | Q(custom__category__isnull=True, content_type__app_label=value)
        )


class CustomPermissionFilter(django_filters.FilterSet):
    category = django_filters.NumberFilter(field_name="category_id")

    class Meta:
        model = CustomPermission
        fields = ("category", "is_active")
