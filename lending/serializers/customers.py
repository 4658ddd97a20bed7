from django.core.validators import RegexValidator
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from accounts.models import User
from accounts.phone import normalize_mobile
from lending.models import Customer
from lending.rules import (
    CUSTOMER_CODE_MESSAGE,
    CUSTOMER_CODE_RE,
    PINCODE_MESSAGE,
    PINCODE_RE,
    validate_date_of_birth,
)
from lending.selectors import assignable_officers, may_leave_unassigned


class CustomerSerializer(serializers.ModelSerializer):
    customer_code = serializers.CharField(
        max_length=32,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Leave out or null to have an 8-character code generated.",
        validators=[
            RegexValidator(f"^{CUSTOMER_CODE_RE.pattern}$", CUSTOMER_CODE_MESSAGE),
            UniqueValidator(
                queryset=Customer.objects.all(),
                message="A customer with this code already exists.",
            ),
        ],
    )
    phone = serializers.CharField(
        max_length=32, help_text="Any common notation; stored and shown in E.164."
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    assigned_collection_officer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        required=False,
        allow_null=True,
        help_text="Defaults to the caller for officers and managers.",
    )
    pincode = serializers.CharField(
        max_length=6,
        required=False,
        allow_blank=True,
        validators=[RegexValidator(f"^{PINCODE_RE.pattern}$", PINCODE_MESSAGE)],
    )
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, validators=[validate_date_of_birth]
    )

    class Meta:
        model = Customer
        fields = (
            "id",
            "customer_code",
            "name",
            "phone",
            "email",
            "assigned_collection_officer",
            "address_line_1",
            "address_line_2",
            "city",
            "state",
            "pincode",
            "date_of_birth",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "created_at", "updated_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["assigned_collection_officer"].queryset = assignable_officers(request.user)

    def validate_phone(self, value: str) -> str:
        return normalize_mobile(value.strip())

    def validate_email(self, value: str) -> str:
        return value.strip().lower()

    def validate_name(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("This field may not be blank.")
        return value

    def validate_assigned_collection_officer(self, value):
        request = self.context.get("request")
        if value is None and request is not None and not may_leave_unassigned(request.user):
            raise serializers.ValidationError("Choose an officer you may assign.")
        return value
