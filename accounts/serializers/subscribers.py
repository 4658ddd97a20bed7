"""Request and reply shapes of seed 004's user, admin and preference endpoints."""

from collections.abc import Mapping

from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import AccountStatus, Role, SubscriberType, User, UserPreference
from accounts.phone import national_number
from accounts.serializers.auth import MobileField, SubscriberProfileSerializer
from accounts.serializers.contact import ContactProofFields


def effective_status(user: User) -> str:
    """The status as it stands now: a block whose time has passed is over."""
    if user.status == AccountStatus.BLOCKED and user.is_active:
        return AccountStatus.ACTIVE
    return user.status


def split_name(name: str) -> tuple[str, str]:
    first, _, last = " ".join(name.split()).partition(" ")
    return first, last


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not declare, naming them.

    A body that tries to set something else (status, staff flags, balances)
    is refused whole rather than half applied.
    """

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {key: ["This field cannot be set here."] for key in unknown}
                )
        return super().to_internal_value(data)


# --- subscribers (users with a prepaid or postpaid account) ------------------------------------


class SubscriberSerializer(SubscriberProfileSerializer):
    """Seed 004's user, with the status as it stands now."""

    status = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=AccountStatus.choices))
    def get_status(self, user: User) -> str:
        return effective_status(user)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_phone_number(self, user: User) -> str | None:
        return super().get_phone_number(user)


class SubscriberStatusSerializer(SubscriberSerializer):
    """The short reply of seed 004's status changes (block, deactivate, switch type)."""

    class Meta(SubscriberSerializer.Meta):
        fields = ("user_id", "status", "blocked_until", "phone_number", "user_type", "created_at")
        read_only_fields = fields


class ArchivedSubscriberSerializer(SubscriberSerializer):
    deleted_at = serializers.DateTimeField(source="status_changed_at", read_only=True)

    class Meta(SubscriberSerializer.Meta):
        fields = (*SubscriberSerializer.Meta.fields, "deleted_at")
        read_only_fields = fields


class SubscriberEmailSerializer(StrictSerializer, ContactProofFields):
    """A new address, with `current_password` or the code sent to it."""

    email = serializers.EmailField(max_length=254)


class SubscriberSwitchTypeSerializer(StrictSerializer):
    user_type = serializers.ChoiceField(choices=SubscriberType.choices)


class SubscriberBlockSerializer(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    duration_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=3650,
        default=None,
        help_text="Days until the block lifts by itself; absent or null: until unblocked.",
    )


# --- preferences -------------------------------------------------------------------------------


class SubscriberPreferenceSerializer(StrictSerializer, serializers.ModelSerializer):
    """Seed 004's eight switches; a PUT may send any of them, and nothing else."""

    user_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = UserPreference
        fields = ("user_id", *UserPreference.FIELDS)
        extra_kwargs = {field: {"required": False} for field in UserPreference.FIELDS}


# --- admins (staff) ----------------------------------------------------------------------------


class AdminAccountSerializer(serializers.ModelSerializer):
    """A staff member as seed 004's admin endpoints show them.

    `role_id` is their first live role, annotated by the view as `first_role_id`.
    """

    admin_id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(read_only=True)
    phone_number = serializers.SerializerMethodField()
    role_id = serializers.IntegerField(source="first_role_id", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(source="date_joined", read_only=True)

    class Meta:
        model = User
        fields = (
            "admin_id",
            "name",
            "email",
            "phone_number",
            "role_id",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_phone_number(self, user: User) -> str | None:
        return national_number(user.mobile) if user.mobile else None


class _AdminInput(StrictSerializer):
    """Seed 004 writes one `name` and a role by name; these become columns and a Role."""

    def validate_name(self, value: str) -> dict:
        first, last = split_name(value)
        if len(first) > 150 or len(last) > 150:
            raise serializers.ValidationError("Each part of the name must be at most 150 letters.")
        return {"first_name": first, "last_name": last}

    def validate_role_name(self, value: str) -> Role:
        role = (
            Role.objects.filter(is_active=True)
            .filter(Q(name__iexact=value) | Q(display_name__iexact=value))
            .order_by("pk")
            .first()
        )
        if role is None:
            raise serializers.ValidationError(f"No active role is named {value!r}.")
        return role


NAME = {"max_length": 301, "help_text": "Full name: the first word, then the rest."}
ROLE_NAME = {"max_length": 150, "help_text": "A live role, by its name or display name."}


class AdminAccountCreateSerializer(_AdminInput):
    name = serializers.CharField(**NAME)
    email = serializers.EmailField(max_length=254)
    phone_number = MobileField()
    role_name = serializers.CharField(**ROLE_NAME)


class AdminAccountUpdateSerializer(_AdminInput, ContactProofFields):
    name = serializers.CharField(required=False, **NAME)
    email = serializers.EmailField(max_length=254, required=False)
    phone_number = MobileField(required=False)
    role_name = serializers.CharField(required=False, **ROLE_NAME)


class AdminAccountSelfUpdateSerializer(_AdminInput, ContactProofFields):
    name = serializers.CharField(required=False, **NAME)
    email = serializers.EmailField(max_length=254, required=False)
