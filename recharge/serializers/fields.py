"""Fields shared by the recharge serializers."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.phone import national_number, normalize_mobile
from config.money import MONEY


@extend_schema_field({"type": "string", "example": "9876543210"})
class PhoneNumberField(serializers.CharField):
    """A mobile number: read in any usual form, kept in E.164, shown as seed 004 shows it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return normalize_mobile(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def to_representation(self, value):
        return national_number(value) if value else value


def money_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(**MONEY, **kwargs)


def money_number_field(**kwargs) -> serializers.DecimalField:
    """Money that seed 004 shows as a JSON number (a plan's `price`).

    The encoder writes the Decimal's shortest float form, which for up to 15
    significant digits (MONEY allows 14) is the decimal itself: 699.5, never 699.4999.
    """
    return serializers.DecimalField(**MONEY, coerce_to_string=False, **kwargs)


@extend_schema_field(OpenApiTypes.OBJECT)
class JSONObjectField(serializers.JSONField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError("Expected a JSON object.")
        return value


class CaseInsensitiveChoiceField(serializers.ChoiceField):
    """`upi`, `UPI` and `Upi` are one choice."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            for choice in self.choices:
                if str(choice).lower() == data.strip().lower():
                    return choice
        return super().to_internal_value(data)


def _values(choices) -> list[str]:
    return [str(value[0] if isinstance(value, tuple) else value) for value in choices]


def choice_field(choices, **kwargs) -> serializers.ChoiceField:
    """A choice, documented as a string naming its values.

    Several resources of seed 004 call different sets of values by one name
    (`status`, `source`, `payment_method`); as OpenAPI enums they would collide.
    """
    values = _values(choices)
    kwargs.setdefault("help_text", "One of: " + ", ".join(values) + ".")
    # A class of its own: serializers deep-copy their fields by re-instantiating the class.
    field_class = extend_schema_field({"type": "string", "example": values[0]})(
        type("DocumentedChoiceField", (CaseInsensitiveChoiceField,), {})
    )
    return field_class(choices=choices, **kwargs)


def choice_out(choices, **kwargs) -> serializers.CharField:
    """A read-only choice, documented as a string naming its values."""
    return serializers.CharField(
        read_only=True, help_text="One of: " + ", ".join(_values(choices)) + ".", **kwargs
    )
