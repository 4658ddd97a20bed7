"""Every error leaves in the one shape of DESIGN.md, whatever raised it."""

import json

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.probe_urls")]

PROBE = "/api/v1/probe"


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"status", "code", "message", "errors"}
    return body


def test_validation_error_names_each_field(api_client):
    response = api_client.post(f"{PROBE}/validation", {"email": "not-an-email", "amount": "-1"})
    body = assert_error_shape(response, 400, "validation_error")
    assert set(body["errors"]) == {"email", "amount"}
    assert body["message"].startswith("email:")


def test_missing_field_is_reported_by_name(api_client):
    response = api_client.post(f"{PROBE}/validation", {"email": "a@example.com"})
    body = assert_error_shape(response, 400, "validation_error")
    assert body["errors"] == {"amount": ["This field is required."]}


def test_malformed_json_is_a_parse_error(api_client):
    response = api_client.post(
        f"{PROBE}/validation", data="{not json", content_type="application/json"
    )
    body = assert_error_shape(response, 400, "parse_error")
    assert "errors" not in body


def test_unauthenticated_is_401_with_challenge(api_client):
    response = api_client.get(f"{PROBE}/authenticated")
    assert_error_shape(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_invalid_bearer_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    response = api_client.get(f"{PROBE}/authenticated")
    body = assert_error_shape(response, 401, "token_not_valid")
    assert "not-a-real-token" not in response.content.decode()
    assert "errors" not in body
    # A readable sentence, not the repr of the authenticator's structured detail.
    assert body["message"] == "Given token not valid for any token type"
    assert "ErrorDetail" not in response.content.decode()


def test_django_permission_denied_is_403_without_its_reason(api_client):
    response = api_client.get(f"{PROBE}/forbidden")
    assert_error_shape(response, 403, "permission_denied")
    assert b"internal reason" not in response.content


def test_missing_object_is_404(api_client):
    assert_error_shape(api_client.get(f"{PROBE}/missing"), 404, "not_found")


def test_unknown_api_path_is_json_404(api_client):
    assert_error_shape(api_client.get("/api/v1/no/such/route"), 404, "not_found")


def test_wrong_method_is_405(api_client):
    response = api_client.delete("/api/v1/")
    assert_error_shape(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_conflict_is_409_with_our_message(api_client):
    body = assert_error_shape(api_client.post(f"{PROBE}/conflict"), 409, "conflict")
    assert body["message"] == "The organization still has users."


def test_throttled_is_429_with_retry_after(api_client):
    assert api_client.get(f"{PROBE}/throttled").status_code == 200
    response = api_client.get(f"{PROBE}/throttled")
    assert_error_shape(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_unhandled_exception_in_api_view_is_500_without_internals(api_client, caplog):
    response = api_client.get(f"{PROBE}/crash")
    body = assert_error_shape(response, 500, "server_error")
    text = response.content.decode()
    for leak in ("Traceback", "RuntimeError", "SELECT", "password", "secret"):
        assert leak not in text
    assert body["message"] == "Internal server error."
    # The bug is not lost: it is logged with its traceback for the operators.
    assert any(r.exc_info and r.name == "api.errors" for r in caplog.records)


def test_unhandled_exception_outside_drf_is_500_without_internals():
    client = Client(raise_request_exception=False)
    response = client.get(f"{PROBE}/plain-crash")
    assert_error_shape(response, 500, "server_error")
    text = response.content.decode()
    assert "Traceback" not in text and "ValueError" not in text and "secret" not in text


def test_disallowed_host_is_json_400():
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/", HTTP_HOST="evil.example.org")
    assert_error_shape(response, 400, "bad_request")


def test_error_replies_carry_the_request_id(api_client):
    response = api_client.get("/api/v1/no/such/route", HTTP_X_REQUEST_ID="client-chosen-id-1")
    assert response["X-Request-ID"] == "client-chosen-id-1"
