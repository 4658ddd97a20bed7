import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum import luhn, verhoeff

from kyc.validators import (
    gstin_pan,
    gstin_state_code,
    normalize_aadhaar,
    normalize_bank_account,
    normalize_gstin,
    normalize_ifsc,
    normalize_pan,
    pan_holder_type,
    validate_adult_dob,
)

GSTIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def make_aadhaar(first_eleven: str) -> str:
    return first_eleven + verhoeff.calc_check_digit(first_eleven)


def make_gstin(state: str, pan: str, entity: str = "1") -> str:
    body = f"{state}{pan}{entity}Z"
    return body + luhn.calc_check_digit(body, GSTIN_ALPHABET)


VALID_AADHAAR = [make_aadhaar(base) for base in ("23456789012", "98765432109", "50000000001")]


def assert_invalid(func, value, code, match=None):
    with pytest.raises(ValidationError) as excinfo:
        func(value)
    assert excinfo.value.code == code
    if match:
        assert match in excinfo.value.messages[0]
    return excinfo.value


# Aadhaar


def test_known_valid_aadhaar_from_stdnum_docs():
    assert normalize_aadhaar("234123412346") == "234123412346"


@pytest.mark.parametrize("number", VALID_AADHAAR)
def test_valid_aadhaar_is_accepted_and_separators_stripped(number):
    assert normalize_aadhaar(number) == number
    spaced = f" {number[:4]} {number[4:8]}-{number[8:]} "
    assert normalize_aadhaar(spaced) == number


@pytest.mark.parametrize("number", VALID_AADHAAR)
def test_every_wrong_check_digit_is_rejected(number):
    for digit in "0123456789":
        if digit == number[-1]:
            continue
        assert_invalid(normalize_aadhaar, number[:-1] + digit, "invalid_checksum", "check")


@pytest.mark.parametrize("first", ["0", "1"])
def test_aadhaar_cannot_start_with_0_or_1_even_with_a_valid_check_digit(first):
    number = make_aadhaar(first + "3456789012")
    assert verhoeff.is_valid(number)
    assert_invalid(normalize_aadhaar, number, "invalid_format", "0 or 1")


@pytest.mark.parametrize("number", ["23456789012", "2345678901234", "", "2345 6789"])
def test_aadhaar_wrong_length(number):
    assert_invalid(normalize_aadhaar, number, "invalid_length", "12 digits")


def test_aadhaar_letters_rejected():
    assert_invalid(normalize_aadhaar, "23456789012A", "invalid_format", "only digits")


def test_aadhaar_non_text_rejected():
    assert_invalid(normalize_aadhaar, 234123412346, "invalid_format")


# PAN


def test_valid_pan_is_upper_cased_and_compacted():
    assert normalize_pan(" abcpe1234f ") == "ABCPE1234F"
    assert normalize_pan("AAPFU0939F") == "AAPFU0939F"


@pytest.mark.parametrize(
    ("value", "code", "match"),
    [
        ("ABCPE1234", "invalid_length", "10 characters"),
        ("ABCPE1234FF", "invalid_length", "10 characters"),
        ("ABCP11234F", "invalid_format", "5 letters"),
        ("ABCPE12345", "invalid_format", "5 letters"),
        ("ABCXE1234F", "invalid_format", "holder type"),
        ("ABCPE0000F", "invalid_format", "0000"),
    ],
)
def test_invalid_pan(value, code, match):
    assert_invalid(normalize_pan, value, code, match)


@pytest.mark.parametrize(
    ("letter", "holder_type"),
    [
        ("P", "individual"),
        ("C", "company"),
        ("F", "firm"),
        ("H", "huf"),
        ("T", "trust"),
        ("A", "aop"),
        ("B", "boi"),
        ("L", "local_authority"),
        ("J", "artificial_juridical_person"),
        ("G", "government"),
        ("K", "krish"),
    ],
)
def test_pan_holder_type(letter, holder_type):
    assert pan_holder_type(f"abc{letter.lower()}e1234f") == holder_type


def test_pan_holder_type_rejects_invalid_pan():
    assert_invalid(pan_holder_type, "ABCXE1234F", "invalid_format")


# GSTIN


def test_known_valid_gstin_from_stdnum_docs():
    assert normalize_gstin("27AAPFU0939F1ZV") == "27AAPFU0939F1ZV"


def test_built_gstin_is_valid_and_exposes_pan_and_state():
    number = make_gstin("29", "ABCPE1234F", "2")
    assert normalize_gstin(number.lower()) == number
    assert normalize_gstin(f"{number[:2]} {number[2:12]} {number[12:]}") == number
    assert gstin_pan(number) == "ABCPE1234F"
    assert gstin_state_code(number) == "29"


def test_every_wrong_gstin_check_character_is_rejected():
    number = make_gstin("27", "AAPFU0939F")
    for char in GSTIN_ALPHABET:
        if char == number[-1]:
            continue
        assert_invalid(normalize_gstin, number[:-1] + char, "invalid_checksum", "check")


@pytest.mark.parametrize(
    ("number", "code", "match"),
    [
        (make_gstin("27", "AAPFU0939F")[:-1], "invalid_length", "15 characters"),
        (make_gstin("00", "AAPFU0939F"), "invalid_format", "state code"),
        (make_gstin("27", "AAPXU0939F"), "invalid_format", "PAN"),
        (make_gstin("27", "AAPFU0939F", "0"), "invalid_format", "entity"),
        ("27AAPFU0939F1AV", "invalid_format", "'Z'"),
        ("2XAAPFU0939F1ZV", "invalid_format", "state code, a 10-character PAN"),
    ],
)
def test_invalid_gstin(number, code, match):
    assert_invalid(normalize_gstin, number, code, match)


def test_gstin_helpers_validate_first():
    assert_invalid(gstin_pan, "27AAPFU0939F1ZO", "invalid_checksum")
    assert_invalid(gstin_state_code, "27AAPFU0939F1ZO", "invalid_checksum")


# IFSC and bank account


def test_stdnum_has_no_ifsc_module():
    # If this starts failing, normalize_ifsc should switch to the stdnum implementation.
    with pytest.raises(ImportError):
        __import__("stdnum.in_.ifsc")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("SBIN0001234", "SBIN0001234"), (" hdfc0abc123 ", "HDFC0ABC123")],
)
def test_valid_ifsc(value, expected):
    assert normalize_ifsc(value) == expected


@pytest.mark.parametrize(
    "value", ["SBIN1001234", "SBI00001234", "SBIN000123", "SBIN00012345", "SBIN000123$", ""]
)
def test_invalid_ifsc(value):
    assert_invalid(normalize_ifsc, value, "invalid_format", "11 characters")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("123456789", "123456789"),
        ("123456789012345678", "123456789012345678"),
        ("0012 3456 7890", "001234567890"),
    ],
)
def test_valid_bank_account(value, expected):
    assert normalize_bank_account(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12345678", "invalid_length"),
        ("1234567890123456789", "invalid_length"),
        ("", "invalid_length"),
        ("12345678A", "invalid_format"),
        ("१२३४५६७८९०", "invalid_format"),  # non-ASCII digits
    ],
)
def test_invalid_bank_account(value, code):
    assert_invalid(normalize_bank_account, value, code)


# Date of birth

TODAY = datetime.date(2026, 6, 15)


def test_dob_in_the_future_or_today_is_rejected():
    for dob in (TODAY + datetime.timedelta(days=1), TODAY):
        with pytest.raises(ValidationError) as excinfo:
            validate_adult_dob(dob, today=TODAY)
        assert excinfo.value.code == "future_date"


def test_seventeen_year_old_is_rejected():
    with pytest.raises(ValidationError) as excinfo:
        validate_adult_dob(datetime.date(2008, 6, 16), today=TODAY)
    assert excinfo.value.code == "underage"
    assert "18" in excinfo.value.messages[0]


def test_eighteenth_birthday_today_is_accepted():
    assert validate_adult_dob(datetime.date(2008, 6, 15), today=TODAY) is None
    assert validate_adult_dob(datetime.datetime(2008, 6, 15, 23, 59), today=TODAY) is None


def test_leap_day_birthday_is_reached_on_1_march_in_common_years():
    dob = datetime.date(2008, 2, 29)
    with pytest.raises(ValidationError):
        validate_adult_dob(dob, today=datetime.date(2026, 2, 28))
    validate_adult_dob(dob, today=datetime.date(2026, 3, 1))


def test_leap_day_birthday_falls_on_29_february_in_leap_years():
    # 18 is not a multiple of 4, so use min_age=20 to land the birthday on a leap year.
    dob = datetime.date(2004, 2, 29)
    with pytest.raises(ValidationError):
        validate_adult_dob(dob, today=datetime.date(2024, 2, 28), min_age=20)
    validate_adult_dob(dob, today=datetime.date(2024, 2, 29), min_age=20)


def test_custom_min_age():
    validate_adult_dob(datetime.date(2005, 6, 15), today=TODAY, min_age=21)
    with pytest.raises(ValidationError) as excinfo:
        validate_adult_dob(datetime.date(2005, 6, 16), today=TODAY, min_age=21)
    assert "21" in excinfo.value.messages[0]


def test_default_today_is_the_current_date():
    today = datetime.date.today()
    validate_adult_dob(today.replace(year=today.year - 30, day=1))
    with pytest.raises(ValidationError) as excinfo:
        validate_adult_dob(today + datetime.timedelta(days=2))
    assert excinfo.value.code == "future_date"
