"""The importers' fast checks give exactly the answers of the general ones."""

import random

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from accounts.phone import normalize_mobile
from lending.rules import (
    CUSTOMER_CODE_ALPHABET,
    customer_codes_generate,
    email_is_valid,
    phone_normalize,
)


def _reference_phone(value: str) -> str | None:
    try:
        return normalize_mobile(value)
    except ValidationError:
        return None


def _fast_phone(value: str) -> str | None:
    try:
        return phone_normalize(value)
    except ValidationError:
        return None


def _phone_samples() -> list[str]:
    rng = random.Random(20250309)
    samples = [
        "9876543210",
        "+91-9876543210",
        "+91 98765 43210",
        "(98765) 43210",
        "09876543210",
        "919876543210",
        "9198765432",
        "1123456789",
        "6123456789",
        "5123456789",
        "0000000000",
        "+14155552671",
        "+44 20 7946 0958",
        "98765-4321O",
        "",
        "+91",
        "12345",
        "+919876543210 ext. 12",
    ]
    for _ in range(3000):
        digits = "".join(rng.choice("0123456789") for _ in range(10))
        prefix = rng.choice(["", "+91", "+91-", "91", "0", "+91 "])
        samples.append(prefix + digits)
    return samples


def test_phone_fast_path_agrees_with_normalize_mobile():
    for value in _phone_samples():
        assert _fast_phone(value) == _reference_phone(value), value


def test_phone_fast_path_only_for_the_indian_default(settings):
    settings.PHONE_DEFAULT_REGION = "US"
    assert phone_normalize("4155552671") == "+14155552671"
    with pytest.raises(ValidationError):
        phone_normalize("9876543210")


@pytest.mark.parametrize(
    "value",
    [
        "john@example.com",
        "john.doe+tag@sub.example.co.in",
        "a@localhost",
        "x@[127.0.0.1]",
        "x@[999.0.0.1]",
        '"quoted name"@example.com',
        "no-at-sign",
        "two@@example.com",
        "dot.@example.com",
        "user@-example.com",
        "user@example",
        "user@exa_mple.com",
        "user@" + "a" * 64 + ".com",
        "a" * 330 + "@example.com",
        "",
    ],
)
def test_email_check_agrees_with_django(value):
    try:
        EmailValidator()(value)
        expected = True
    except ValidationError:
        expected = False
    assert email_is_valid(value) is expected


def test_generated_codes_are_eight_characters_of_the_alphabet():
    codes = customer_codes_generate(2000)
    assert len(codes) == 2000
    assert all(len(code) == 8 and set(code) <= set(CUSTOMER_CODE_ALPHABET) for code in codes)
    assert len(set(codes)) == 2000
