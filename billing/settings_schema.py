"""The declared shape of an organization's `billing_settings` and `sync_settings`.

Each settings object is a JSON object whose keys are declared here with their
type, range and default. Unknown keys, wrong types and out-of-range values are
refused, each error naming its key; rules across keys (grace days) are checked
on the complete object.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class Setting:
    kind: type  # bool or int
    default: bool | int
    minimum: int | None = None
    maximum: int | None = None
    help: str = ""

    def problem(self, value: Any) -> str | None:
        if self.kind is bool:
            return None if isinstance(value, bool) else "Must be true or false."
        # JSON true/false are Python bools, which are also ints: refuse them here.
        if isinstance(value, bool) or not isinstance(value, int):
            return "Must be a whole number."
        if self.minimum is not None and value < self.minimum:
            return f"Must be at least {self.minimum}."
        if self.maximum is not None and value > self.maximum:
            return f"Must be at most {self.maximum}."
        return None


@dataclass(frozen=True)
class SettingsSchema:
    name: str
    settings: dict[str, Setting]
    # Each rule reads a complete, well-typed object and returns errors by key.
    rules: tuple[Callable[[dict], Errors], ...] = field(default_factory=tuple)

    def defaults(self) -> dict:
        return {key: setting.default for key, setting in self.settings.items()}

    def key_errors(self, value: Any) -> Errors:
        """Unknown keys, types and ranges of the keys present (a partial object is fine)."""
        if not isinstance(value, dict):
            return {"non_field_errors": ["Must be a JSON object."]}
        errors: Errors = {}
        for key, item in value.items():
            setting = self.settings.get(key)
            if setting is None:
                known = ", ".join(self.settings)
                errors[str(key)] = [f"Unknown setting '{key}'. Known settings: {known}."]
                continue
            problem = setting.problem(item)
            if problem:
                errors[key] = [problem]
        return errors

    def errors(self, value: Any) -> Errors:
        """Every problem of a complete object: its keys, then the rules across keys."""
        errors = self.key_errors(value)
        if errors:
            return errors
        complete = {**self.defaults(), **value}
        for rule in self.rules:
            for key, messages in rule(complete).items():
                errors.setdefault(key, []).extend(messages)
        return errors

    def merged(self, current: dict | None, given: dict | None) -> dict:
        """The object after an update: keys sent replace theirs, the others keep their value."""
        return {**self.defaults(), **(current or {}), **(given or {})}

    def describe(self) -> str:
        lines = []
        for key, setting in self.settings.items():
            kind = "boolean" if setting.kind is bool else "integer"
            bounds = ""
            if setting.kind is int:
                bounds = f" {setting.minimum}-{setting.maximum}"
            lines.append(f"`{key}` ({kind}{bounds}, default {setting.default!r}): {setting.help}")
        return "\n".join(f"- {line}" for line in lines)


def _grace_days_within_manual_limit(settings: dict) -> Errors:
    if settings["default_grace_days"] > settings["max_manual_grace_days"]:
        return {
            "default_grace_days": [
                f"Must not be above max_manual_grace_days ({settings['max_manual_grace_days']})."
            ]
        }
    return {}


BILLING_SETTINGS = SettingsSchema(
    name="billing_settings",
    settings={
        "max_manual_grace_days": Setting(
            int, 7, 0, 365, "Most grace days staff may give a customer by hand."
        ),
        "disable_expiry": Setting(bool, False, help="Connections never expire when true."),
        "default_grace_days": Setting(
            int, 0, 0, 365, "Grace days after expiry (at most max_manual_grace_days)."
        ),
        "jump_billing": Setting(bool, False, help="Bill from the renewal date, not the expiry."),
        "default_grace_hours": Setting(int, 0, 0, 23, "Grace hours added to the grace days."),
        "max_inactive_days": Setting(
            int, 30, 0, 3650, "Days a connection may stay inactive before it is disabled."
        ),
        "delete_permanent_disable_secret_from_mikrotik": Setting(
            int,
            0,
            0,
            3650,
            "Days after which a permanently disabled secret is deleted from MikroTik (0: never).",
        ),
    },
    rules=(_grace_days_within_manual_limit,),
)

SYNC_SETTINGS = SettingsSchema(
    name="sync_settings",
    settings={
        "sync_area_to_mikrotik": Setting(bool, False, help="Send the customer's area."),
        "sync_address_to_mikrotik": Setting(bool, False, help="Send the customer's address."),
        "sync_customer_mobile_to_mikrotik": Setting(
            bool, False, help="Send the customer's mobile number."
        ),
    },
)

SCHEMAS = {schema.name: schema for schema in (BILLING_SETTINGS, SYNC_SETTINGS)}


def billing_settings_default() -> dict:
    return BILLING_SETTINGS.defaults()


def sync_settings_default() -> dict:
    return SYNC_SETTINGS.defaults()


@deconstructible
class SettingsValidator:
    """Model-field validator (Django admin, `full_clean`): a flat list naming each key."""

    def __init__(self, schema_name: str) -> None:
        self.schema_name = schema_name

    def __call__(self, value: Any) -> None:
        errors = SCHEMAS[self.schema_name].errors(value)
        if errors:
            raise ValidationError(
                [
                    message if key == "non_field_errors" else f"{key}: {message}"
                    for key, messages in errors.items()
                    for message in messages
                ],
                code="invalid_settings",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SettingsValidator) and other.schema_name == self.schema_name

    def __hash__(self) -> int:
        return hash(self.schema_name)
