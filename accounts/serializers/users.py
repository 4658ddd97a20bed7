from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User, UserRole
from accounts.phone import national_number


class UserSummarySerializer(serializers.ModelSerializer):
    """The user as sign-in replies show them, with every seed's name for each field."""

    login_id = serializers.CharField(source="username", read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)
    phone_number = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = (
            "id",
            "login_id",
            "username",
            "email",
            "mobile",
            "phone_number",
            "name",
            "first_name",
            "last_name",
            "user_type",
            "subscriber_type",
            "status",
            "is_staff",
            "is_superuser",
            "two_factor_enabled",
            "is_email_verified",
            "is_phone_verified",
            "language_preference",
            "timezone",
            "roles",
            "permissions",
            "last_login",
            "date_joined",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_phone_number(self, user: User) -> str | None:
        return national_number(user.mobile) if user.mobile else None

    @extend_schema_field(
        serializers.ListField(child=serializers.DictField(), help_text="Live role assignments.")
    )
    def get_roles(self, user: User) -> list[dict]:
        live = UserRole.objects.active().filter(user=user).select_related("role", "assigned_by")
        return [
            {
                "id": assignment.role_id,
                "role_name": assignment.role.display_name,
                "is_active": True,
                "assigned_by_name": assignment.assigned_by.name if assignment.assigned_by else None,
                "assigned_at": assignment.assigned_at,
            }
            for assignment in live
        ]

    def get_permissions(self, user: User) -> list[str]:
        return sorted(user.get_all_permissions())
