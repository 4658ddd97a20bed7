import pytest
from django.core.exceptions import ValidationError

from billing.settings_schema import BILLING_SETTINGS, SYNC_SETTINGS, SettingsValidator

SEED_BILLING = {
    "max_manual_grace_days": 9,
    "disable_expiry": False,
    "default_grace_days": 1,
    "jump_billing": True,
    "default_grace_hours": 14,
    "max_inactive_days": 3,
    "delete_permanent_disable_secret_from_mikrotik": 1,
}


def test_the_seed_example_is_valid():
    assert BILLING_SETTINGS.errors(SEED_BILLING) == {}
    assert (
        SYNC_SETTINGS.errors(
            {
                "sync_area_to_mikrotik": False,
                "sync_address_to_mikrotik": False,
                "sync_customer_mobile_to_mikrotik": False,
            }
        )
        == {}
    )


@pytest.mark.parametrize(
    ("value", "key", "message"),
    [
        ({"colour": "red"}, "colour", "Unknown setting 'colour'"),
        ({"default_grace_days": -1}, "default_grace_days", "at least 0"),
        ({"default_grace_hours": 24}, "default_grace_hours", "at most 23"),
        ({"max_manual_grace_days": "9"}, "max_manual_grace_days", "whole number"),
        ({"max_manual_grace_days": 2.5}, "max_manual_grace_days", "whole number"),
        ({"max_inactive_days": True}, "max_inactive_days", "whole number"),
        ({"jump_billing": 1}, "jump_billing", "true or false"),
        ({"jump_billing": "true"}, "jump_billing", "true or false"),
        (
            {"default_grace_days": 5, "max_manual_grace_days": 3},
            "default_grace_days",
            "max_manual_grace_days (3)",
        ),
        ([], "non_field_errors", "JSON object"),
    ],
)
def test_bad_values_are_named_by_key(value, key, message):
    errors = BILLING_SETTINGS.errors(value)
    assert list(errors) == [key]
    assert message in errors[key][0]


def test_rules_across_keys_use_the_defaults_for_missing_keys():
    # Default max_manual_grace_days is 7.
    assert BILLING_SETTINGS.errors({"default_grace_days": 7}) == {}
    assert "default_grace_days" in BILLING_SETTINGS.errors({"default_grace_days": 8})


def test_merge_keeps_keys_not_sent():
    merged = BILLING_SETTINGS.merged(SEED_BILLING, {"jump_billing": False})
    assert merged == {**SEED_BILLING, "jump_billing": False}
    assert BILLING_SETTINGS.merged(None, None) == BILLING_SETTINGS.defaults()


def test_model_validator_lists_each_problem_with_its_key():
    validator = SettingsValidator("billing_settings")
    validator(SEED_BILLING)
    with pytest.raises(ValidationError) as caught:
        validator({"colour": 1, "default_grace_days": -2})
    assert caught.value.messages[0].startswith("colour: Unknown setting")
    assert caught.value.messages[1] == "default_grace_days: Must be at least 0."
