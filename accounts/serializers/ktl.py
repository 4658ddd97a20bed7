"""Seed 003's reply shapes (KTL): the user and tokens of its sign-in, refresh and verify.

Seed 003 shows ids as strings: they are the record's id written as a string.
Fields a fresh account has not filled (designation, profile photo, ...) are null.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import extensions
from accounts.models import User, UserRole
from accounts.services.sessions import IssuedTokens

_PLACE = {
    "type": "object",
    "nullable": True,
    "description": "The district or thana (upazila) of the location reference data.",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "name_bn": {"type": "string"},
    },
}


class _BlankAsNull(serializers.CharField):
    def to_representation(self, value):
        return value or None


class KtlRoleSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="role_id", read_only=True)
    role_name = serializers.CharField(source="role.display_name", read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    assigned_by_name = serializers.SerializerMethodField()

    class Meta:
        model = UserRole
        fields = ("id", "role_name", "is_active", "assigned_by_name", "assigned_at", "expires_at")
        read_only_fields = fields

    def get_assigned_by_name(self, assignment: UserRole) -> str | None:
        by = assignment.assigned_by
        return (by.name or by.username) if by is not None else None


class KtlUserSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="pk", read_only=True)
    login_id = serializers.CharField(source="username", read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)
    designation = _BlankAsNull(read_only=True, allow_null=True)
    department = _BlankAsNull(read_only=True, allow_null=True)
    employee_id = _BlankAsNull(read_only=True, allow_null=True)
    profile_photo = _BlankAsNull(read_only=True, allow_null=True)
    district_info = serializers.SerializerMethodField()
    thana_info = serializers.SerializerMethodField()
    is_active = serializers.BooleanField(read_only=True)
    roles = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = (
            "id",
            "login_id",
            "email",
            "name",
            "mobile",
            "user_type",
            "employee_id",
            "designation",
            "department",
            "district_info",
            "thana_info",
            "is_active",
            "is_staff",
            "is_superuser",
            "is_email_verified",
            "is_phone_verified",
            "is_first_login",
            "profile_photo",
            "language_preference",
            "timezone",
            "roles",
            "permissions",
            "last_login",
            "date_joined",
        )
        read_only_fields = fields

    @extend_schema_field(_PLACE)
    def get_district_info(self, user: User) -> dict | None:
        return extensions.location_info("district", user.district_code)

    @extend_schema_field(_PLACE)
    def get_thana_info(self, user: User) -> dict | None:
        return extensions.location_info("thana", user.thana_code)

    @extend_schema_field(KtlRoleSerializer(many=True))
    def get_roles(self, user: User) -> list[dict]:
        live = (
            UserRole.objects.active()
            .filter(user=user)
            .select_related("role", "assigned_by")
            .order_by("assigned_at", "pk")
        )
        return KtlRoleSerializer(live, many=True).data

    @extend_schema_field(
        serializers.ListField(
            child=serializers.CharField(), help_text="`app_label.codename` of every permission."
        )
    )
    def get_permissions(self, user: User) -> list[str]:
        return sorted(user.get_all_permissions())


class KtlTokensSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    token_type = serializers.CharField()


class KtlLoginReplySerializer(serializers.Serializer):
    """`data` of seed 003's sign-in reply."""

    user = KtlUserSerializer()
    tokens = KtlTokensSerializer()
    remember_me = serializers.BooleanField()
    expires_at = serializers.DateTimeField()

    @classmethod
    def reply(cls, issued: IssuedTokens) -> dict:
        return cls(
            {
                "user": issued.user,
                "tokens": _tokens(issued),
                "remember_me": issued.session.remember_me,
                "expires_at": issued.access_expires_at,
            }
        ).data


class KtlRefreshReplySerializer(serializers.Serializer):
    """`data` of seed 003's refresh reply."""

    tokens = KtlTokensSerializer()
    expires_at = serializers.DateTimeField()

    @classmethod
    def reply(cls, issued: IssuedTokens) -> dict:
        return cls({"tokens": _tokens(issued), "expires_at": issued.access_expires_at}).data


class KtlUserBriefSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="pk", read_only=True)
    login_id = serializers.CharField(source="username", read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ("id", "login_id", "email", "name", "user_type")
        read_only_fields = fields


class KtlVerifyReplySerializer(serializers.Serializer):
    """`data` of seed 003's token check."""

    user = KtlUserBriefSerializer()
    expires_at = serializers.DateTimeField(allow_null=True)


def _tokens(issued: IssuedTokens) -> dict:
    return {"access": issued.access, "refresh": issued.refresh, "token_type": "Bearer"}
