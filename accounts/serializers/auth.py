"""Request and reply shapes of sign-in, registration and one-time codes."""

from decimal import Decimal

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import OtpChallenge, OtpPurpose, StaffType, SubscriberType, User
from accounts.phone import national_number, normalize_mobile
from accounts.selectors import IDENTIFIER_FIELDS, identifier_parse
from accounts.serializers.users import UserSummarySerializer
from accounts.services.otp import LIFETIME
from accounts.services.registration import SELF_REGISTERED_ROLE_CHOICES
from accounts.services.sessions import IssuedTokens
from config.money import MONEY, ZERO, money

PASSWORD = {"trim_whitespace": False, "max_length": 128, "style": {"input_type": "password"}}
OTP = {"min_length": 6, "max_length": 6}


class MobileField(serializers.CharField):
    """A phone number in any common writing, returned in E.164."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return normalize_mobile(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


def validate_new_password(password: str, user: User | None, field: str = "password") -> None:
    """Django's password validators, reported under the field that carried the password."""
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise serializers.ValidationError({field: exc.messages}) from exc


# --- replies ---------------------------------------------------------------------------------


class TokenReplySerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_at = serializers.DateTimeField()
    refresh_expires_at = serializers.DateTimeField()
    remember_me = serializers.BooleanField()
    session_id = serializers.UUIDField()
    otp_sent = serializers.BooleanField(
        help_text="Always false here: no further code is needed, the tokens are in this reply."
    )
    user = UserSummarySerializer()

    @classmethod
    def reply(cls, issued: IssuedTokens) -> dict:
        return cls(
            {
                "access": issued.access,
                "refresh": issued.refresh,
                "access_token": issued.access,
                "refresh_token": issued.refresh,
                "token_type": "Bearer",
                "expires_at": issued.access_expires_at,
                "refresh_expires_at": issued.session.expires_at,
                "remember_me": issued.session.remember_me,
                "session_id": issued.session.pk,
                "otp_sent": False,
                "user": issued.user,
            }
        ).data


class ChallengeReplySerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    otp_sent = serializers.BooleanField()
    expires_in = serializers.IntegerField(help_text="Seconds until the code expires.")
    message = serializers.CharField()

    @classmethod
    def reply(cls, challenge: OtpChallenge, message: str) -> dict:
        return cls(
            {
                "request_id": challenge.pk,
                "otp_sent": True,
                "expires_in": int(LIFETIME.total_seconds()),
                "message": message,
            }
        ).data


# --- sign-in ---------------------------------------------------------------------------------


class LoginSerializer(serializers.Serializer):
    """Any one identifier with a password; or `phone_number` alone for a code by SMS."""

    email_or_mobile = serializers.CharField(required=False, max_length=255)
    login_id = serializers.CharField(required=False, max_length=150)
    username = serializers.CharField(required=False, max_length=150)
    email = serializers.CharField(required=False, max_length=255)
    phone_number = serializers.CharField(required=False, max_length=32)
    mobile = serializers.CharField(required=False, max_length=32)
    password = serializers.CharField(required=False, **PASSWORD)
    remember_me = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        present = [name for name in IDENTIFIER_FIELDS if attrs.get(name)]
        if not present:
            raise serializers.ValidationError(
                {"email_or_mobile": ["Give an e-mail address, a mobile number or a login id."]}
            )
        field = present[0]
        attrs["raw_identifier"] = attrs[field]
        attrs["identifier"] = identifier_parse(field, attrs[field])
        attrs["passwordless"] = not attrs.get("password")
        if attrs["passwordless"]:
            if field not in ("phone_number", "mobile"):
                raise serializers.ValidationError({"password": ["This field is required."]})
            if attrs["identifier"] is None:
                raise serializers.ValidationError({field: ["Enter a valid mobile number."]})
        return attrs


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=255)
    password = serializers.CharField(**PASSWORD)


class VerifyLoginOtpSerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    otp = serializers.CharField(**OTP)


class PhoneOtpFormSerializer(serializers.Serializer):
    """OAuth2 password-grant form: `username` is the phone number, `password` the code."""

    grant_type = serializers.CharField(required=False, allow_blank=True)
    username = MobileField(max_length=32)
    password = serializers.CharField(**OTP)
    scope = serializers.CharField(required=False, allow_blank=True)
    client_id = serializers.CharField(required=False, allow_blank=True)
    client_secret = serializers.CharField(required=False, allow_blank=True)

    def validate_grant_type(self, value: str) -> str:
        if value and value != "password":
            raise serializers.ValidationError('Only the "password" grant is supported.')
        return value


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField(required=False)
    refresh_token = serializers.CharField(required=False)

    def validate(self, attrs):
        token = attrs.get("refresh") or attrs.get("refresh_token")
        if not token:
            raise serializers.ValidationError({"refresh": ["This field is required."]})
        return {"refresh": token}


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField(required=False)
    refresh_token = serializers.CharField(required=False)
    logout_all_devices = serializers.BooleanField(required=False, default=False)


class TokenStatusSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    expires_at = serializers.DateTimeField()
    user = UserSummarySerializer()


# --- registration ----------------------------------------------------------------------------


class RegisterInitiateSerializer(serializers.Serializer):
    email = serializers.EmailField()
    mobile = MobileField(max_length=32)
    password = serializers.CharField(**PASSWORD)

    def validate_email(self, value: str) -> str:
        value = value.lower()
        if User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError("An account with this e-mail address exists.")
        return value

    def validate_mobile(self, value: str) -> str:
        if User.objects.filter(mobile=value).exists():
            raise serializers.ValidationError("An account with this mobile number exists.")
        return value

    def validate(self, attrs):
        probe = User(email=attrs["email"], mobile=attrs["mobile"])
        validate_new_password(attrs["password"], probe)
        return attrs


class RegisterVerifySerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    otp = serializers.CharField(**OTP)
    email = serializers.EmailField()


class RegisterVerifyReplySerializer(serializers.Serializer):
    user_created = serializers.BooleanField()
    user_id = serializers.IntegerField()
    message = serializers.CharField()


class SignupSerializer(serializers.Serializer):
    phone_number = MobileField(max_length=32)
    user_type = serializers.ChoiceField(
        choices=SubscriberType.choices, default=SubscriberType.PREPAID
    )


class SignupVerifySerializer(serializers.Serializer):
    phone_number = MobileField(max_length=32)
    otp = serializers.CharField(**OTP)


class ProfileRegisterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    email = serializers.EmailField(required=False, allow_null=True)
    referee_code = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=12
    )


WALLET_BALANCE = serializers.DecimalField(**MONEY, coerce_to_string=False, read_only=True)


class SubscriberProfileSerializer(serializers.ModelSerializer):
    """A subscriber as seed 004 shows them."""

    user_id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(read_only=True)
    phone_number = serializers.SerializerMethodField()
    user_type = serializers.CharField(source="subscriber_type", read_only=True)
    referee_code = serializers.CharField(
        source="referred_by.referral_code", read_only=True, allow_null=True, default=None
    )
    wallet_balance = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(source="date_joined", read_only=True)

    class Meta:
        model = User
        fields = (
            "user_id",
            "name",
            "email",
            "phone_number",
            "referral_code",
            "referee_code",
            "user_type",
            "status",
            "wallet_balance",
            "created_at",
        )
        read_only_fields = fields

    def get_phone_number(self, user: User) -> str | None:
        return national_number(user.mobile) if user.mobile else None

    @staticmethod
    def _balance(user: User):
        # The recharge app owns wallets; reaching it through the reverse relation
        # keeps accounts free of any import from it.
        wallet = getattr(user, "wallet", None)
        return getattr(wallet, "balance", None)

    # Seed 004 shows the balance as a JSON number; the Decimal is written as one.
    @extend_schema_field(WALLET_BALANCE)
    def get_wallet_balance(self, user: User) -> Decimal:
        balance = self._balance(user)
        return money(balance) if balance is not None else ZERO


class StaffRegisterSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+$", max_length=150)
    email = serializers.EmailField(required=False, allow_null=True)
    role = serializers.ChoiceField(choices=SELF_REGISTERED_ROLE_CHOICES)
    manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(user_type=StaffType.MANAGER),
        required=False,
        allow_null=True,
    )
    password = serializers.CharField(**PASSWORD)

    def validate_username(self, value: str) -> str:
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError("This username is taken.")
        return value

    def validate_email(self, value):
        if value and User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError("An account with this e-mail address exists.")
        return value

    def validate(self, attrs):
        probe = User(username=attrs["username"], email=attrs.get("email"))
        validate_new_password(attrs["password"], probe)
        return attrs


class StaffRegisterReplySerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="user_type")

    class Meta:
        model = User
        fields = ("id", "username", "email", "role", "manager", "status")
        read_only_fields = fields


# --- passwords and codes ---------------------------------------------------------------------


class ForgotPasswordSerializer(serializers.Serializer):
    email_or_mobile = serializers.CharField(max_length=255)


class ResetPasswordSerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    otp = serializers.CharField(**OTP)
    new_password = serializers.CharField(**PASSWORD)


# Purposes a code may be verified for on its own; the others belong to their flow.
STANDALONE_PURPOSES = (
    OtpPurpose.KYC_AADHAAR,
    OtpPurpose.KYC_PAN,
    OtpPurpose.KYC_BUSINESS,
    OtpPurpose.KYC_BANK,
    OtpPurpose.STEP_UP,
)


class OtpVerifySerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    otp = serializers.CharField(**OTP)
    purpose = serializers.ChoiceField(choices=[(p.value, p.label) for p in STANDALONE_PURPOSES])


class OtpVerifyReplySerializer(serializers.Serializer):
    verified = serializers.BooleanField()
    message = serializers.CharField()


class OtpResendSerializer(serializers.Serializer):
    request_id = serializers.UUIDField()


class OtpResendReplySerializer(serializers.Serializer):
    otp_sent = serializers.BooleanField()
    resends_left = serializers.IntegerField()
    message = serializers.CharField()
