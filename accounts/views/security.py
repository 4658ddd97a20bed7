"""Seed 000's four security reports, computed from the sign-in detector's findings."""

from datetime import timedelta

from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import (
    AccountStatus,
    BlockedIP,
    LoginActivity,
    LoginEvent,
    SuspiciousActivity,
    ThreatLevel,
    User,
)
from accounts.views.people import _days
from config.openapi import error_responses
from config.permissions import permission_required
from config.routing import api_path

VIEW_FINDINGS = permission_required("accounts.view_suspiciousactivity")
LEVELS = [ThreatLevel.LOW, ThreatLevel.MEDIUM, ThreatLevel.HIGH, ThreatLevel.CRITICAL]
PENALTY = {
    ThreatLevel.LOW: 1,
    ThreatLevel.MEDIUM: 5,
    ThreatLevel.HIGH: 10,
    ThreatLevel.CRITICAL: 25,
}
DAYS = OpenApiParameter("days", int, description="Look back this many days.")


class FindingSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(allow_null=True)
    activity_type = serializers.CharField(source="kind")

    class Meta:
        model = SuspiciousActivity
        fields = (
            "id",
            "user_id",
            "activity_type",
            "threat_level",
            "action_taken",
            "ip",
            "identifier",
            "details",
            "detected_at",
        )
        read_only_fields = fields


class SummarySerializer(serializers.Serializer):
    threat_level = serializers.CharField()
    suspicious_activities = serializers.IntegerField()
    blocked_users = serializers.IntegerField()
    blocked_ips = serializers.IntegerField()
    failed_login_attempts = serializers.IntegerField()
    compromised_passwords = serializers.IntegerField(
        allow_null=True, help_text="Not known: passwords are stored only as hashes."
    )
    security_score = serializers.IntegerField()
    recommendations = serializers.ListField(child=serializers.CharField())
    days = serializers.IntegerField()


class SuspiciousListSerializer(serializers.Serializer):
    total_suspicious = serializers.IntegerField()
    activities = FindingSerializer(many=True)


class IpThreatSerializer(serializers.Serializer):
    ip = serializers.IPAddressField()
    threat_level = serializers.CharField()
    failed_attempts = serializers.IntegerField()
    blocked = serializers.BooleanField()
    first_seen = serializers.DateTimeField()
    last_seen = serializers.DateTimeField()


class IpThreatsSerializer(serializers.Serializer):
    suspicious_ips = IpThreatSerializer(many=True)


class AlertsSerializer(serializers.Serializer):
    total_alerts = serializers.IntegerField()
    critical = serializers.IntegerField()
    high = serializers.IntegerField()
    medium = serializers.IntegerField()
    low = serializers.IntegerField()
    alerts = FindingSerializer(many=True)


def _since(days: int):
    return timezone.now() - timedelta(days=days)


def _worst(levels) -> str:
    present = set(levels)
    return next((level for level in reversed(LEVELS) if level in present), ThreatLevel.LOW)


class SecuritySummaryView(APIView):
    permission_classes = [VIEW_FINDINGS]

    @extend_schema(
        tags=["security"],
        parameters=[DAYS],
        responses={200: SummarySerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        days = _days(request, default=7)
        findings = SuspiciousActivity.objects.filter(detected_at__gte=_since(days))
        by_level = dict(findings.order_by().values_list("threat_level").annotate(n=Count("id")))
        failed = LoginActivity.objects.filter(
            event=LoginEvent.LOGIN_FAILED, created_at__gte=_since(days)
        ).count()
        blocked_ips = BlockedIP.objects.filter(blocked_until__gt=timezone.now()).count()
        score = max(0, 100 - sum(PENALTY[level] * n for level, n in by_level.items()))
        recommendations = []
        if failed:
            recommendations.append("Monitor failed login attempts")
        if by_level:
            recommendations.append("Review recent suspicious activities")
        if blocked_ips:
            recommendations.append("Review blocked IP addresses")
        if by_level.get(ThreatLevel.HIGH) or by_level.get(ThreatLevel.CRITICAL):
            recommendations.append("Investigate high-threat findings and reset affected passwords")
        return Response(
            SummarySerializer(
                {
                    "threat_level": _worst(by_level),
                    "suspicious_activities": sum(by_level.values()),
                    "blocked_users": User.objects.filter(status=AccountStatus.BLOCKED).count(),
                    "blocked_ips": blocked_ips,
                    "failed_login_attempts": failed,
                    "compromised_passwords": None,
                    "security_score": score,
                    "recommendations": recommendations,
                    "days": days,
                }
            ).data
        )


class SuspiciousActivitiesView(APIView):
    permission_classes = [VIEW_FINDINGS]

    @extend_schema(
        tags=["security"],
        parameters=[DAYS],
        responses={200: SuspiciousListSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        findings = SuspiciousActivity.objects.filter(
            detected_at__gte=_since(_days(request, default=7))
        )
        return Response(
            SuspiciousListSerializer(
                {"total_suspicious": findings.count(), "activities": findings[:100]}
            ).data
        )


class IpThreatsView(APIView):
    permission_classes = [VIEW_FINDINGS]

    @extend_schema(
        tags=["security"],
        parameters=[DAYS],
        responses={200: IpThreatsSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        since = _since(_days(request))
        failures = (
            LoginActivity.objects.filter(created_at__gte=since, success=False, ip__isnull=False)
            .filter(Q(event=LoginEvent.LOGIN_FAILED) | Q(event=LoginEvent.OTP_FAILED))
            .order_by()
            .values("ip")
            .annotate(
                failed_attempts=Count("id"),
                first_seen=Min("created_at"),
                last_seen=Max("created_at"),
            )
            .order_by("-failed_attempts", "ip")[:50]
        )
        rows = list(failures)
        ips = [row["ip"] for row in rows]
        levels: dict[str, list[str]] = {}
        for ip, level in SuspiciousActivity.objects.filter(
            ip__in=ips, detected_at__gte=since
        ).values_list("ip", "threat_level"):
            levels.setdefault(ip, []).append(level)
        blocked = set(
            BlockedIP.objects.filter(ip__in=ips, blocked_until__gt=timezone.now()).values_list(
                "ip", flat=True
            )
        )
        for row in rows:
            row["threat_level"] = _worst(levels.get(row["ip"], []))
            row["blocked"] = row["ip"] in blocked
        return Response(IpThreatsSerializer({"suspicious_ips": rows}).data)


class SecurityAlertsView(APIView):
    permission_classes = [VIEW_FINDINGS]

    @extend_schema(
        tags=["security"],
        parameters=[DAYS],
        responses={200: AlertsSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        findings = SuspiciousActivity.objects.filter(detected_at__gte=_since(_days(request)))
        by_level = dict(findings.order_by().values_list("threat_level").annotate(n=Count("id")))
        return Response(
            AlertsSerializer(
                {
                    "total_alerts": sum(by_level.values()),
                    **{level.value: by_level.get(level, 0) for level in LEVELS},
                    "alerts": findings[:100],
                }
            ).data
        )


urlpatterns = [
    *api_path(
        "admin/reports/security/get_security_summary",
        SecuritySummaryView.as_view(),
        "security-summary",
    ),
    *api_path(
        "admin/reports/security/get_suspicious_activities",
        SuspiciousActivitiesView.as_view(),
        "security-activities",
    ),
    *api_path(
        "admin/reports/security/get_ip_threats", IpThreatsView.as_view(), "security-ip-threats"
    ),
    *api_path(
        "admin/reports/security/get_security_alerts",
        SecurityAlertsView.as_view(),
        "security-alerts",
    ),
]
