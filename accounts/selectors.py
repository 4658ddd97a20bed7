"""Reusable reads of the accounts app."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.phone import normalize_mobile

# Request fields that name a person, in the order they are looked at.
IDENTIFIER_FIELDS = ("email_or_mobile", "login_id", "username", "email", "phone_number", "mobile")


@dataclass(frozen=True)
class Identifier:
    field: str  # which column it names: "email", "mobile" or "username"
    value: str  # normalised, as stored

    @property
    def is_phone(self) -> bool:
        return self.field == "mobile"


def identifier_parse(request_field: str, raw: str) -> Identifier | None:
    """Normalise what the caller typed; None when it cannot name anyone."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if request_field == "email_or_mobile":
        request_field = "email" if "@" in raw else "mobile"
    if request_field in ("phone_number", "mobile"):
        try:
            return Identifier("mobile", normalize_mobile(raw))
        except ValidationError:
            return None
    if request_field == "email":
        return Identifier("email", raw.lower())
    return Identifier("username", raw.lower())


def user_by_identifier(identifier: Identifier | None) -> User | None:
    if identifier is None:
        return None
    lookup = {"username": "username__iexact", "email": "email__iexact", "mobile": "mobile"}
    return User.objects.filter(**{lookup[identifier.field]: identifier.value}).first()
