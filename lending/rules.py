"""Field rules shared by the API serializers and the CSV importers.

The importers check up to hundreds of thousands of rows per upload, so each
rule here is written to be cheap per value while giving exactly the answer of
the slower general check it stands for (Django's e-mail validator,
`accounts.phone.normalize_mobile`).
"""

import re
import secrets
from datetime import date
from functools import lru_cache

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone

from accounts.phone import normalize_mobile

CUSTOMER_CODE_LENGTH = 8
# No 0/O or 1/I: codes are read out over the phone. 32 symbols, so a random
# byte modulo 32 is uniform.
CUSTOMER_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CODE_TABLE = bytes(
    ord(CUSTOMER_CODE_ALPHABET[b % len(CUSTOMER_CODE_ALPHABET)]) for b in range(256)
)

CUSTOMER_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
LOAN_ACCOUNT_NUMBER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_-]{0,31}")
PINCODE_RE = re.compile(r"[1-9][0-9]{5}")
ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

MINIMUM_AGE_YEARS = 18
OLDEST_BIRTH_YEAR = 1900

CUSTOMER_CODE_MESSAGE = "Use 1 to 32 letters, digits, '-' or '_', starting with a letter or digit."
LOAN_ACCOUNT_NUMBER_MESSAGE = (
    "Use 1 to 32 letters, digits, '-', '_' or '/', starting with a letter or digit."
)
PINCODE_MESSAGE = "Enter a 6-digit PIN code that does not start with 0."
PHONE_MESSAGE = "Enter a valid mobile number."
EMAIL_MESSAGE = "Enter a valid email address."
DATE_MESSAGE = "Enter a date as YYYY-MM-DD."


def customer_codes_generate(count: int) -> list[str]:
    """`count` random customer codes of 8 characters (not checked for uniqueness)."""
    raw = secrets.token_bytes(CUSTOMER_CODE_LENGTH * count).translate(_CODE_TABLE).decode()
    step = CUSTOMER_CODE_LENGTH
    return [raw[i : i + step] for i in range(0, len(raw), step)]


# --- Phone numbers ---------------------------------------------------------------

# Ten digits, optionally after +91, with at most a space or hyphen after the
# country code and in the middle: "+91-9876543210", "+91 98765 43210".
_INDIAN_NATIONAL = re.compile(r"(?:\+91[ -]?)?([1-9]\d{4})[ -]?(\d{5})")
_INDIA = phonenumbers.PhoneMetadata.metadata_for_region("IN")


def _desc_matcher(desc):
    """`phonenumbers`' own test of a national number against one of its number descriptions."""
    pattern = re.compile(desc.national_number_pattern)
    lengths = frozenset(desc.possible_length)
    return lambda national: (
        (not lengths or len(national) in lengths) and bool(pattern.fullmatch(national))
    )


# A number matching the general and the mobile description of India's
# metadata is one `phonenumbers.is_valid_number` accepts (its type is MOBILE,
# or an earlier type that matched first).
_INDIAN_GENERAL = _desc_matcher(_INDIA.general_desc)
_INDIAN_MOBILE = _desc_matcher(_INDIA.mobile)


def phone_normalize(raw: str) -> str:
    """E.164 form of `raw`, exactly as `accounts.phone.normalize_mobile` gives it.

    For the shape nearly every Indian mobile number comes in (ten digits, with
    or without +91 and separators), the number is checked against
    `phonenumbers`' metadata for India directly, skipping the general parser
    and the walk over every number type, which cost ten times as much.
    Anything else, and any number that does not pass, goes through
    `normalize_mobile` for the authoritative answer and message.
    """
    if settings.PHONE_DEFAULT_REGION == "IN":
        match = _INDIAN_NATIONAL.fullmatch(raw)
        if match is not None:
            national = match.group(1) + match.group(2)
            if _INDIAN_GENERAL(national) and _INDIAN_MOBILE(national):
                return f"+91{national}"
    return normalize_mobile(raw)


# --- E-mail ----------------------------------------------------------------------

_email_validator = EmailValidator()
# Django's pattern, compiled here once: its own is a lazy object whose every
# use goes through a proxy.
_EMAIL_USER_RE = re.compile(EmailValidator.user_regex.pattern, EmailValidator.user_regex.flags)


@lru_cache(maxsize=8192)
def _email_domain_ok(domain: str) -> bool:
    return domain in _email_validator.domain_allowlist or _email_validator.validate_domain_part(
        domain
    )


def email_is_valid(value: str) -> bool:
    """Django's `EmailValidator` verdict, with the domain check cached (domains repeat)."""
    if not value or "@" not in value or len(value) > 320:
        return False
    user_part, domain_part = value.rsplit("@", 1)
    return bool(_EMAIL_USER_RE.match(user_part)) and _email_domain_ok(domain_part)


# --- Dates -----------------------------------------------------------------------


def iso_date_parse(text: str) -> date:
    """A date written YYYY-MM-DD; ValueError otherwise."""
    if not ISO_DATE_RE.fullmatch(text):
        raise ValueError(DATE_MESSAGE)
    return date.fromisoformat(text)


def date_of_birth_problem(value: date, today: date) -> str | None:
    if value > today:
        return "The date of birth cannot be in the future."
    if value.year < OLDEST_BIRTH_YEAR:
        return f"The date of birth cannot be before {OLDEST_BIRTH_YEAR}."
    try:
        adult_from = value.replace(year=value.year + MINIMUM_AGE_YEARS)
    except ValueError:  # 29 February
        adult_from = date(value.year + MINIMUM_AGE_YEARS, 3, 1)
    if adult_from > today:
        return f"The customer must be at least {MINIMUM_AGE_YEARS} years old."
    return None


def validate_date_of_birth(value: date) -> None:
    problem = date_of_birth_problem(value, timezone.localdate())
    if problem:
        raise ValidationError(problem, code="invalid_date_of_birth")
