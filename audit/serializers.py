from rest_framework import serializers

from audit.models import ApiRequestLog, AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="actor_id", allow_null=True)
    user = serializers.CharField(source="actor_label")
    ip_address = serializers.IPAddressField(source="ip", allow_null=True)
    timestamp = serializers.DateTimeField(source="created_at")

    class Meta:
        model = AuditEvent
        fields = (
            "id",
            "sequence",
            "user_id",
            "user",
            "action",
            "target_type",
            "target_id",
            "description",
            "before",
            "after",
            "ip_address",
            "user_agent",
            "request_id",
            "timestamp",
        )
        read_only_fields = fields


class UserAuditSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    total_actions = serializers.IntegerField()
    actions_by_type = serializers.DictField(child=serializers.IntegerField())
    recent_actions = AuditEventSerializer(many=True)
    days = serializers.IntegerField()


class AuditStatisticsSerializer(serializers.Serializer):
    total_events = serializers.IntegerField()
    today = serializers.IntegerField()
    this_week = serializers.IntegerField()
    this_month = serializers.IntegerField()
    top_actions = serializers.ListField(child=serializers.CharField())
    peak_hours = serializers.ListField(child=serializers.CharField())


class ApiLogSerializer(serializers.ModelSerializer):
    """Seed 002's log row, with the rest of what the log keeps."""

    user = serializers.IntegerField(source="user_id", allow_null=True)
    endpoint = serializers.CharField(source="path")
    request_payload = serializers.CharField(source="request_body")
    response_payload = serializers.CharField(source="response_body")

    class Meta:
        model = ApiRequestLog
        fields = (
            "id",
            "user",
            "method",
            "endpoint",
            "query",
            "request_payload",
            "response_payload",
            "status_code",
            "duration_ms",
            "ip",
            "request_id",
            "user_agent",
            "created_at",
        )
        read_only_fields = fields


class TopEndpointSerializer(serializers.Serializer):
    method = serializers.CharField()
    path = serializers.CharField()
    requests = serializers.IntegerField()
    average_ms = serializers.FloatField()


class ApiStatisticsSerializer(serializers.Serializer):
    hours = serializers.IntegerField()
    total_requests = serializers.IntegerField()
    success_rate = serializers.FloatField()
    error_rate = serializers.FloatField()
    server_error_rate = serializers.FloatField()
    average_response_time = serializers.CharField()
    average_response_ms = serializers.FloatField()
    p95_response_ms = serializers.FloatField(allow_null=True)
    top_endpoints = TopEndpointSerializer(many=True)


class TrailQuerySerializer(serializers.Serializer):
    action = serializers.CharField(
        required=False,
        help_text=(
            "An action (`auth.login_succeeded`), its last part (`login_succeeded`), or a "
            "seed 000 name: login, failed_login, logout, register, password_change, "
            "password_reset, profile_update, kyc_submission, kyc_verification, block, "
            "unblock, role_change."
        ),
    )
    user_id = serializers.IntegerField(required=False, min_value=1)
    target_type = serializers.CharField(required=False)
    target_id = serializers.CharField(required=False)
    days = serializers.IntegerField(required=False, min_value=1, max_value=3650)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)

    def validate(self, attrs):
        if (
            attrs.get("start_date")
            and attrs.get("end_date")
            and attrs["start_date"] > attrs["end_date"]
        ):
            raise serializers.ValidationError({"end_date": ["Must not be before start_date."]})
        return attrs


class ExportQuerySerializer(TrailQuerySerializer):
    format = serializers.ChoiceField(choices=["csv"], default="csv")
