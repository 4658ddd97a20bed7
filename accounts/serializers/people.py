"""Shapes of the people endpoints: seed 000's profile and admin views, seeds 002/003's users."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import extensions
from accounts.models import LoginActivity, StaffType, User, UserRole
from accounts.phone import national_number
from accounts.serializers.auth import PASSWORD, MobileField, validate_new_password
from accounts.serializers.contact import PROOF_FIELDS, ContactProofFields


class LiveRoleSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="role.id")
    role_name = serializers.CharField(source="role.display_name")
    name = serializers.CharField(source="role.name")
    is_active = serializers.BooleanField()
    assigned_by_name = serializers.SerializerMethodField()
    assigned_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)

    def get_assigned_by_name(self, assignment) -> str | None:
        assigner = assignment.assigned_by
        return (assigner.name or str(assigner)) if assigner else None


class StaffUserSerializer(serializers.ModelSerializer):
    """A user as seeds 002 and 003 list them (`role` is seed 002's name for the staff kind)."""

    login_id = serializers.CharField(source="username", read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)
    role = serializers.CharField(source="user_type", read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = (
            "id",
            "login_id",
            "username",
            "email",
            "name",
            "first_name",
            "last_name",
            "mobile",
            "user_type",
            "role",
            "manager",
            "employee_id",
            "designation",
            "department",
            "status",
            "is_active",
            "is_staff",
            "is_superuser",
            "is_email_verified",
            "is_phone_verified",
            "two_factor_enabled",
            "language_preference",
            "timezone",
            "profile_photo",
            "roles",
            "last_login",
            "date_joined",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(LiveRoleSerializer(many=True))
    def get_roles(self, user: User):
        live = getattr(user, "live_roles", None)
        if live is None:
            live = UserRole.objects.active().filter(user=user).select_related("role", "assigned_by")
        return LiveRoleSerializer(live, many=True).data


# The one status a PATCH may set: approval of an account waiting for it.
APPROVAL_STATUS_CHOICES = [("active", "Active")]


class StaffUserWriteSerializer(ContactProofFields):
    """What staff may set on an account (seed 003). A change names only these fields:
    any other field in the body (`is_superuser`, `password`, a read-only field) is a 400
    naming it, never silently dropped.

    Changing one's own e-mail address or mobile number here needs the same proof as on
    one's profile. `status: "active"` approves an account waiting for approval.
    """

    login_id = serializers.RegexField(r"^[\w.@+-]+$", max_length=150, required=False)
    email = serializers.EmailField(required=False, allow_null=True)
    name = serializers.CharField(max_length=300, required=False)
    mobile = MobileField(max_length=32, required=False, allow_null=True)
    user_type = serializers.ChoiceField(choices=StaffType.choices, required=False)
    employee_id = serializers.CharField(max_length=50, required=False, allow_blank=True)
    designation = serializers.CharField(
        max_length=100, required=False, allow_blank=True, allow_null=True
    )
    department = serializers.CharField(
        max_length=100, required=False, allow_blank=True, allow_null=True
    )
    language_preference = serializers.CharField(max_length=10, required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    two_factor_enabled = serializers.BooleanField(required=False)
    status = serializers.ChoiceField(
        choices=APPROVAL_STATUS_CHOICES,
        required=False,
        help_text=(
            "`active` approves an account waiting for approval (seed 002's staff sign-up); "
            "an admin, or the manager the account names, may. Blocking and archiving have "
            "their own routes."
        ),
    )

    def to_internal_value(self, data):
        unknown = {}
        if self.partial and isinstance(data, dict):
            unknown = {
                name: ["This field cannot be changed here."]
                for name in sorted(set(data) - set(self.fields))
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, dict) else {}
            raise serializers.ValidationError({**unknown, **detail}) from None
        if unknown:
            raise serializers.ValidationError(unknown)
        return value

    def to_service_fields(self) -> dict:
        data = {
            k: v for k, v in self.validated_data.items() if k not in PROOF_FIELDS and k != "status"
        }
        if "login_id" in data:
            data["username"] = data.pop("login_id")
        if "name" in data:
            first, _, last = data.pop("name").strip().partition(" ")
            data["first_name"], data["last_name"] = first, last.strip()
        for field in ("designation", "department"):
            if field in data and data[field] is None:
                data[field] = ""
        return data


class StaffUserCreateSerializer(StaffUserWriteSerializer):
    login_id = serializers.RegexField(r"^[\w.@+-]+$", max_length=150)
    password = serializers.CharField(**PASSWORD)
    password_confirm = serializers.CharField(**PASSWORD)
    roles = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)

    def validate_login_id(self, value: str) -> str:
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError("This login id is taken.")
        return value

    def validate(self, attrs):
        if attrs["password"] != attrs["password_confirm"]:
            raise serializers.ValidationError({"password_confirm": ["The passwords do not match."]})
        probe = User(username=attrs["login_id"], email=attrs.get("email"))
        validate_new_password(attrs["password"], probe)
        return attrs

    def to_service_fields(self) -> dict:
        data = super().to_service_fields()
        for key in ("password", "password_confirm", "roles"):
            data.pop(key, None)
        return data


class ChangePasswordSerializer(serializers.Serializer):
    old_password = serializers.CharField(**PASSWORD)
    new_password = serializers.CharField(**PASSWORD)
    new_password_confirm = serializers.CharField(required=False, **PASSWORD)

    def validate(self, attrs):
        confirm = attrs.get("new_password_confirm")
        if confirm is not None and confirm != attrs["new_password"]:
            raise serializers.ValidationError(
                {"new_password_confirm": ["The passwords do not match."]}
            )
        return attrs


class MyProfileSerializer(serializers.ModelSerializer):
    """Seed 000's own profile."""

    mobile = serializers.SerializerMethodField()
    profile_picture = serializers.URLField(source="profile_photo", read_only=True)
    kyc_status = serializers.SerializerMethodField()
    account_status = serializers.CharField(source="status", read_only=True)
    created_at = serializers.DateTimeField(source="date_joined", read_only=True)

    class Meta:
        model = User
        fields = (
            "id",
            "email",
            "mobile",
            "first_name",
            "last_name",
            "profile_picture",
            "kyc_status",
            "account_status",
            "address",
            "city",
            "state",
            "pincode",
            "created_at",
        )
        read_only_fields = fields

    def get_mobile(self, user: User) -> str | None:
        return national_number(user.mobile) if user.mobile else None

    def get_kyc_status(self, user: User) -> str | None:
        return kyc_status_of(user, self.context)


def kyc_status_of(user: User, context: dict | None = None) -> str | None:
    """The KYC app's verdict, through the provider it registers (accounts imports nothing of it).

    List views put the statuses of a whole page in the context, fetched at once.
    """
    known = (context or {}).get("kyc_statuses")
    if known is not None:
        return known.get(user.pk)
    return extensions.kyc_statuses([user.pk]).get(user.pk)


class UpdateProfileSerializer(ContactProofFields):
    """Seed 000's profile fields; a new `phone` needs `current_password` or a code."""

    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = MobileField(max_length=32, required=False)
    address = serializers.CharField(required=False, allow_blank=True, max_length=500)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    state = serializers.CharField(max_length=100, required=False, allow_blank=True)
    pincode = serializers.RegexField(r"^[1-9][0-9]{5}$", required=False, allow_blank=True)

    def to_service_fields(self) -> dict:
        data = {k: v for k, v in self.validated_data.items() if k not in PROOF_FIELDS}
        if "phone" in data:
            data["mobile"] = data.pop("phone")
        return data


class UpdateProfileReplySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    message = serializers.CharField()
    updated_fields = serializers.ListField(child=serializers.CharField())


class LoginRecordSerializer(serializers.ModelSerializer):
    login_time = serializers.DateTimeField(source="created_at")
    ip_address = serializers.IPAddressField(source="ip", allow_null=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = LoginActivity
        fields = (
            "id",
            "login_time",
            "event",
            "ip_address",
            "device",
            "browser",
            "os",
            "status",
            "reason",
        )
        read_only_fields = fields

    def get_status(self, activity: LoginActivity) -> str:
        return "success" if activity.success else "failed"


class ActivityReplySerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    last_login = serializers.DateTimeField(allow_null=True)
    last_api_call = serializers.DateTimeField(allow_null=True)
    active_sessions = serializers.IntegerField()
    activities = LoginRecordSerializer(many=True)


class LoginHistoryReplySerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    total_logins = serializers.IntegerField()
    recent_logins = LoginRecordSerializer(many=True)
    logins = LoginRecordSerializer(many=True)


class AdminUserRowSerializer(serializers.ModelSerializer):
    """A row of seed 000's admin user list."""

    kyc_status = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(source="date_joined", read_only=True)

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "email",
            "mobile",
            "name",
            "user_type",
            "kyc_status",
            "status",
            "created_at",
        )
        read_only_fields = fields

    def get_kyc_status(self, user: User) -> str | None:
        return kyc_status_of(user, self.context)


class AdminUserDetailSerializer(AdminUserRowSerializer):
    account_status = serializers.CharField(source="status", read_only=True)
    roles = serializers.SerializerMethodField()
    login_attempts = serializers.IntegerField(read_only=True)
    failed_logins = serializers.IntegerField(read_only=True)

    class Meta(AdminUserRowSerializer.Meta):
        fields = (
            *AdminUserRowSerializer.Meta.fields,
            "account_status",
            "status_reason",
            "blocked_until",
            "roles",
            "login_attempts",
            "failed_logins",
            "last_login",
            "updated_at",
        )
        read_only_fields = fields

    def get_roles(self, user: User) -> list[str]:
        return [assignment.role.name for assignment in getattr(user, "live_roles", [])]


class BlockSerializer(serializers.Serializer):
    user_id = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    duration_days = serializers.IntegerField(
        min_value=1, max_value=3650, required=False, allow_null=True
    )


class UnblockSerializer(serializers.Serializer):
    user_id = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class BatchBlockSerializer(serializers.Serializer):
    user_ids = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), many=True, allow_empty=False
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    duration_days = serializers.IntegerField(
        min_value=1, max_value=3650, required=False, allow_null=True
    )

    def validate_user_ids(self, users):
        if len(users) > 500:
            raise serializers.ValidationError("At most 500 accounts at a time.")
        return users


class BlockReplySerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    blocked = serializers.BooleanField()
    blocked_at = serializers.DateTimeField()
    blocked_until = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()


class UnblockReplySerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    unblocked = serializers.BooleanField()
    unblocked_at = serializers.DateTimeField()


class BatchBlockReplySerializer(serializers.Serializer):
    blocked_count = serializers.IntegerField()
    blocked_users = serializers.ListField(child=serializers.IntegerField())
    message = serializers.CharField()
    blocked_until = serializers.DateTimeField(allow_null=True)


class UserStatisticsSerializer(serializers.Serializer):
    total_users = serializers.IntegerField()
    active_users = serializers.IntegerField()
    blocked_users = serializers.IntegerField()
    inactive_users = serializers.IntegerField()
    archived_users = serializers.IntegerField()
    kyc_verified = serializers.IntegerField(
        help_text="People whose every KYC document is verified."
    )
    kyc_pending = serializers.IntegerField(
        help_text="People with KYC waiting for confirmation or review and none verified yet."
    )
    roles_distribution = serializers.DictField(child=serializers.IntegerField())
    user_types = serializers.DictField(child=serializers.IntegerField())


class LoginStatisticsSerializer(serializers.Serializer):
    total_logins_today = serializers.IntegerField()
    total_failed_attempts = serializers.IntegerField()
    unique_users = serializers.IntegerField()
    total_logins = serializers.IntegerField()
    peak_time = serializers.CharField(allow_null=True)
    average_session_duration = serializers.CharField(allow_null=True)
    devices = serializers.DictField(child=serializers.IntegerField())
    days = serializers.IntegerField()


class FailedByUserSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    failed_attempts = serializers.IntegerField()
    last_attempt = serializers.DateTimeField()
    ip_addresses = serializers.ListField(child=serializers.IPAddressField())


class FailedLoginsSerializer(serializers.Serializer):
    total_failed_attempts = serializers.IntegerField()
    blocked_accounts = serializers.IntegerField()
    attempts_by_user = FailedByUserSerializer(many=True)
    days = serializers.IntegerField()


class MyPermissionsSerializer(serializers.Serializer):
    permissions = serializers.ListField(child=serializers.CharField())
    roles = LiveRoleSerializer(many=True)
    groups = serializers.ListField(child=serializers.CharField())
