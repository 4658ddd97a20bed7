"""Validation and normalization of Indian KYC identifiers.

Checksums and structural rules come from ``python-stdnum``; this module only translates its
exceptions into Django ``ValidationError``s with user-facing messages and stable codes:

* ``invalid_length``   - wrong number of characters/digits
* ``invalid_format``   - wrong characters or structure (incl. unknown holder type/state code)
* ``invalid_checksum`` - structure is fine but the check digit/character does not match
* ``future_date`` / ``underage`` - date of birth rules

Each ``normalize_*`` function returns the canonical form to store (and to feed to
``kyc.crypto.blind_index``); they can also be used directly as Django field validators.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum import exceptions as stdnum_exc
from stdnum.in_ import aadhaar, gstin, pan

__all__ = [
    "gstin_pan",
    "gstin_state_code",
    "normalize_aadhaar",
    "normalize_bank_account",
    "normalize_gstin",
    "normalize_ifsc",
    "normalize_pan",
    "pan_holder_type",
    "validate_adult_dob",
]

# python-stdnum 2.2 has no IFSC module (stdnum.in_ holds aadhaar, epic, gstin, pan, vid only),
# and IFSC has no check digit, so the RBI format is the whole rule.
_IFSC_RE = re.compile(r"[A-Z]{4}0[A-Z0-9]{6}")
_BANK_ACCOUNT_RE = re.compile(r"[0-9]{9,18}")
_SEPARATORS_RE = re.compile(r"[\s-]")

# Keyed by stdnum's label so the 4th-letter table stays owned by stdnum; ours only adds slugs.
_PAN_HOLDER_TYPES = {
    "Association of Persons (AOP)": "aop",
    "Body of Individuals (BOI)": "boi",
    "Company": "company",
    "Firm/Limited Liability Partnership": "firm",
    "Government Agency": "government",
    "Hindu Undivided Family (HUF)": "huf",
    "Local Authority": "local_authority",
    "Artificial Juridical Person": "artificial_juridical_person",
    "Individual": "individual",
    "Trust": "trust",
    "Krish (Trust Krish)": "krish",
}


def _as_text(value: object, label: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.", code="invalid_format")
    return value


def normalize_aadhaar(value: str) -> str:
    """Return the 12-digit Aadhaar number without separators."""
    value = _as_text(value, "Aadhaar number")
    try:
        return aadhaar.validate(value)
    except stdnum_exc.InvalidLength:
        raise ValidationError(
            "Aadhaar number must be exactly 12 digits.", code="invalid_length"
        ) from None
    except stdnum_exc.InvalidChecksum:
        raise ValidationError(
            "This Aadhaar number is not valid: its last (check) digit does not match. "
            "Please check for typing mistakes.",
            code="invalid_checksum",
        ) from None
    except stdnum_exc.ValidationError:
        compact = aadhaar.compact(value)
        if not compact.isascii() or not compact.isdigit():
            message = "Aadhaar number must contain only digits."
        elif compact[0] in "01":
            message = "Aadhaar number cannot start with 0 or 1."
        else:
            message = "This is not a valid Aadhaar number."
        raise ValidationError(message, code="invalid_format") from None


def normalize_pan(value: str) -> str:
    """Return the upper-cased 10-character PAN.

    PAN's last letter is a check character, but the algorithm is unpublished, so only the
    structure, holder type and non-zero serial can be verified offline.
    """
    value = _as_text(value, "PAN")
    try:
        return pan.validate(value)
    except stdnum_exc.InvalidLength:
        raise ValidationError("PAN must be exactly 10 characters.", code="invalid_length") from None
    except stdnum_exc.InvalidComponent:
        compact = pan.compact(value)
        if compact[5:9] == "0000":
            message = "PAN is not valid: its serial number cannot be 0000."
        else:
            message = f"PAN is not valid: {compact[3]!r} is not a known holder type (4th letter)."
        raise ValidationError(message, code="invalid_format") from None
    except stdnum_exc.ValidationError:
        raise ValidationError(
            "PAN must be 5 letters, 4 digits and a letter, e.g. ABCPE1234F.",
            code="invalid_format",
        ) from None


def pan_holder_type(value: str) -> str:
    """Holder type from the PAN's 4th letter, e.g. ``"individual"`` or ``"company"``."""
    label = pan.info(normalize_pan(value))["holder_type"]
    # A label added by a future stdnum still yields a usable slug instead of a crash.
    return _PAN_HOLDER_TYPES.get(label) or re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def normalize_gstin(value: str) -> str:
    """Return the upper-cased 15-character GSTIN (state code, PAN, entity, 'Z', check)."""
    value = _as_text(value, "GSTIN")
    try:
        return gstin.validate(value)
    except stdnum_exc.InvalidLength:
        raise ValidationError(
            "GSTIN must be exactly 15 characters.", code="invalid_length"
        ) from None
    except stdnum_exc.InvalidChecksum:
        raise ValidationError(
            "This GSTIN is not valid: its last (check) character does not match. "
            "Please check for typing mistakes.",
            code="invalid_checksum",
        ) from None
    except stdnum_exc.InvalidComponent:
        compact = gstin.compact(value)
        if compact[13] != "Z":
            message = "GSTIN is not valid: its 14th character must be 'Z'."
        elif compact[12] == "0":
            message = "GSTIN is not valid: its 13th character (entity number) cannot be 0."
        elif not pan.is_valid(compact[2:12]):
            message = "GSTIN is not valid: the PAN it contains (characters 3-12) is not valid."
        else:
            message = f"GSTIN is not valid: {compact[:2]!r} is not a known state code."
        raise ValidationError(message, code="invalid_format") from None
    except stdnum_exc.ValidationError:
        raise ValidationError(
            "GSTIN must be a 2-digit state code, a 10-character PAN, an entity number, "
            "'Z' and a check character, e.g. 27AAPFU0939F1ZV.",
            code="invalid_format",
        ) from None


def gstin_pan(value: str) -> str:
    return gstin.to_pan(normalize_gstin(value))


def gstin_state_code(value: str) -> str:
    return normalize_gstin(value)[:2]


def normalize_ifsc(value: str) -> str:
    """Return the upper-cased 11-character IFSC (4 letters, '0', 6 letters/digits)."""
    compact = _SEPARATORS_RE.sub("", _as_text(value, "IFSC")).upper()
    if not _IFSC_RE.fullmatch(compact):
        raise ValidationError(
            "IFSC must be 11 characters: 4 letters, a zero, then 6 letters or digits "
            "(e.g. SBIN0001234).",
            code="invalid_format",
        )
    return compact


def normalize_bank_account(value: str) -> str:
    """Return the account number as a digit string; leading zeros are significant."""
    compact = _SEPARATORS_RE.sub("", _as_text(value, "Bank account number"))
    if re.search(r"[^0-9]", compact):
        raise ValidationError(
            "Bank account number must contain only digits.", code="invalid_format"
        )
    if not _BANK_ACCOUNT_RE.fullmatch(compact):
        raise ValidationError(
            "Bank account number must be 9 to 18 digits long.", code="invalid_length"
        )
    return compact


def validate_adult_dob(
    dob: datetime.date, *, today: datetime.date | None = None, min_age: int = 18
) -> None:
    """Require a past date of birth and an age of at least ``min_age`` on ``today``.

    ``today`` defaults to the current date in the project's TIME_ZONE. A 29 February birthday
    counts as reached on 1 March in common years: the tuple comparison below never treats
    someone as older than they are, which is the safe side for an age gate.
    """
    if isinstance(dob, datetime.datetime):
        dob = dob.date()
    if today is None:
        today = timezone.localdate()
    if dob >= today:
        raise ValidationError("Date of birth must be in the past.", code="future_date")
    age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    if age < min_age:
        raise ValidationError(
            "You must be at least %(min_age)d years old.",
            code="underage",
            params={"min_age": min_age},
        )
