"""Seed 003's dashboard figures, scoped to the caller's organization tree."""

from django.contrib.auth.models import Permission
from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import AccountStatus, CustomPermission, Role, StaffType
from billing.isp_selectors import billing_figures
from billing.periods import isp_today
from billing.selectors import users_visible_to
from config.openapi import error_responses
from config.permissions import permission_required

# Seed 003 lists these kinds, each shown even when nobody holds it.
ISP_STAFF_TYPES = [
    StaffType.SUPER_ADMIN,
    StaffType.ADMIN,
    StaffType.BILLING_MANAGER,
    StaffType.NOC_MANAGER,
    StaffType.SUPPORT_STAFF,
    StaffType.RESELLER_ADMIN,
    StaffType.SUB_RESELLER_ADMIN,
    StaffType.FIELD_STAFF,
]


class DashboardStatsSerializer(serializers.Serializer):
    total_users = serializers.IntegerField()
    active_users = serializers.IntegerField()
    total_roles = serializers.IntegerField()
    active_roles = serializers.IntegerField()
    total_permissions = serializers.IntegerField()
    custom_permissions = serializers.IntegerField()
    user_types = serializers.DictField(child=serializers.IntegerField())
    # ISP billing figures, beside the seed's keys.
    active_subscribers = serializers.IntegerField()
    grace_subscribers = serializers.IntegerField(help_text="In grace: an invoice is overdue.")
    suspended_subscribers = serializers.IntegerField()
    invoices_due_this_week = serializers.IntegerField(
        help_text="Open invoices due today or in the next 6 days."
    )
    amount_due_this_week = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="What is still unpaid on them (BDT)."
    )
    collected_this_month = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Payments received since the 1st (BDT)."
    )


class DashboardStatsView(APIView):
    contract = "ktl"  # seed 003's envelope
    permission_classes = [
        permission_required("accounts.view_user", "billing.view_organization", any_of=True)
    ]

    @extend_schema(
        tags=["dashboard"], responses={200: DashboardStatsSerializer, **error_responses(401, 403)}
    )
    def get(self, request: Request) -> Response:
        users = users_visible_to(request.user)
        counts = users.aggregate(
            total_users=Count("id"),
            active_users=Count("id", filter=Q(status=AccountStatus.ACTIVE)),
            **{kind.value: Count("id", filter=Q(user_type=kind)) for kind in ISP_STAFF_TYPES},
        )
        roles = Role.objects.aggregate(
            total_roles=Count("id"), active_roles=Count("id", filter=Q(is_active=True))
        )
        return Response(
            DashboardStatsSerializer(
                {
                    "total_users": counts.pop("total_users"),
                    "active_users": counts.pop("active_users"),
                    **roles,
                    "total_permissions": Permission.objects.count(),
                    "custom_permissions": CustomPermission.objects.filter(is_active=True).count(),
                    "user_types": counts,
                    **billing_figures(request.user, isp_today()),
                }
            ).data
        )
