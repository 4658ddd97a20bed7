"""Mobile numbers: parsed with `phonenumbers`, stored in E.164."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError


def normalize_mobile(value: str, region: str | None = None) -> str:
    """E.164 form of `value`; numbers without a country code are read in the default region."""
    try:
        number = phonenumbers.parse(str(value), region or settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("Enter a valid mobile number.", code="invalid_mobile") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("Enter a valid mobile number.", code="invalid_mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_number(e164: str) -> str:
    """The national significant number (`9876543210`), as seed 004 shows phone numbers."""
    return str(phonenumbers.parse(e164).national_number)
