"""Each request is logged once, structured, and secrets never reach a log line."""

import logging

import pytest

from config.logging import RedactSecretsFilter, redact

pytestmark = pytest.mark.django_db


def test_each_request_is_logged_with_its_id_and_timing(api_client, caplog):
    caplog.set_level(logging.INFO, logger="api.request")
    response = api_client.get("/api/v1/?token=should-not-appear")
    [record] = [r for r in caplog.records if r.name == "api.request"]
    assert record.method == "GET"
    assert record.path == "/api/v1/"
    assert record.status == 200
    assert record.request_id == response["X-Request-ID"]
    assert record.duration_ms >= 0
    assert record.user_id is None
    assert "should-not-appear" not in record.getMessage()


def test_request_id_from_client_is_kept_only_when_well_formed(api_client):
    assert api_client.get("/api/v1/", HTTP_X_REQUEST_ID="abcdef12-3456")["X-Request-ID"] == (
        "abcdef12-3456"
    )
    forged = api_client.get("/api/v1/", HTTP_X_REQUEST_ID="bad id\nInjected: yes")
    assert forged["X-Request-ID"] != "bad id\nInjected: yes"
    assert len(forged["X-Request-ID"]) == 32


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ('login failed {"password": "Hunter2-Secret"}', "Hunter2-Secret"),
        ("otp=482913 sent", "482913"),
        ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
        ("token eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2lnbmF0dXJl here", "eyJ1c2VyX2lkIjoxfQ"),
        ("aadhaar 2345 6789 0123 submitted", "2345 6789"),
        ("refresh_token=abcDEF123 rotated", "abcDEF123"),
    ],
)
def test_redaction_removes_secrets(text, secret):
    cleaned = redact(text)
    assert secret not in cleaned


def test_redaction_keeps_aadhaar_last_four_only():
    assert redact("uid 234567890123") == "uid XXXX-XXXX-0123"


def test_filter_rewrites_records_that_carry_secrets():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "user %s password=%s", ("a", "p@ss-w0rd!"), None
    )
    RedactSecretsFilter().filter(record)
    assert "p@ss-w0rd!" not in record.getMessage()
    assert record.getMessage().startswith("user a password=")


def test_a_token_cut_short_is_still_redacted():
    assert redact('{"access": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOi') == '{"access": "[REDACTED-JWT]'
