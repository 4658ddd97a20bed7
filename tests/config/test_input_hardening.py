"""Input the database or the server cannot take is a 4xx naming the field, never a 500.

Each class of bad input is tried on several real endpoints of different apps:
NUL characters anywhere, list values where one value is expected, page
numbers past PostgreSQL's bigint, date-times with offsets PostgreSQL refuses,
boolean filters that are not booleans, and bodies over the memory limit.
"""

import json

import pytest

from config.inputs import NUL_MESSAGE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/loans/worklist/",  # lending, DRF page numbers
    "/api/v1/customers/",  # lending, seed 002 bare array
    "/api/v1/organizations/",  # billing
    "/api/v1/user/admin/",  # accounts, seed 004 skip/limit
    "/api/v1/plans/plan/",  # recharge
    "/api/v1/recharge/admin/transactions/",  # recharge, seed 004 envelope
    "/api/v1/admin/kyc/records/",  # kyc
]
# Lists that answer bare arrays, paged with skip/limit.
BARE_ARRAYS = {"/api/v1/user/admin/", "/api/v1/plans/plan/", "/api/v1/customers/"}
REPORTS = [
    "/api/v1/reports/users-report/",
    "/api/v1/reports/transactions-report/",
    "/api/v1/reports/autopay-report/",
    "/api/v1/reports/sessions-report/",
]


@pytest.fixture
def admin(api_client):
    user = UserFactory(is_staff=True, is_superuser=True)
    api_client.force_authenticate(user)
    return user


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status and body["message"]
    if body.get("success") is False:
        # Seed 003's error body: the same messages, under `error`.
        body = {**body, "errors": body["error"]}
    return body


def refused(response, field: str) -> dict:
    body = error_of(response, 400)
    assert body["code"] == "validation_error"
    assert field in body["errors"], body
    return body


# --- Reports: every filter value is checked by the report's serializer --------


@pytest.mark.parametrize("path", REPORTS)
@pytest.mark.parametrize(
    "body, field",
    [
        ({"order_by": ["created_at"]}, "order_by"),
        ({"order_dir": ["asc"]}, "order_dir"),
        ({"export_type": {"csv": True}}, "export_type"),
        ({"limit": [1]}, "limit"),
        ({"offset": 2**70}, "offset"),
        ({"date_from": ["2024-01-01"]}, "date_from"),
    ],
)
def test_report_controls_of_the_wrong_kind_are_refused(api_client, admin, path, body, field):
    refused(api_client.post(path, body, format="json"), field)


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/api/v1/reports/users-report/", {"email": ["a"]}, "email"),
        ("/api/v1/reports/users-report/", {"email": "a\x00b"}, "email"),
        ("/api/v1/reports/users-report/", {"statuses": ["active\x00"]}, "statuses.0"),
        ("/api/v1/reports/users-report/", {"user_ids": [2**70]}, "user_ids"),
        ("/api/v1/reports/users-report/", {"user_ids": [[1]]}, "user_ids"),
        ("/api/v1/reports/sessions-report/", {"not_revoked": "yes"}, "not_revoked"),
        ("/api/v1/reports/transactions-report/", {"statuses": "success"}, "statuses"),
    ],
)
def test_report_filter_values_of_the_wrong_kind_are_refused(api_client, admin, path, body, field):
    refused(api_client.post(path, body, format="json"), field)


@pytest.mark.parametrize("path", REPORTS)
def test_a_report_reads_json_only(api_client, admin, path):
    # A form would turn every filter into a list of strings.
    response = api_client.post(path, {"order_by": "created_at"}, format="multipart")
    assert error_of(response, 415)["code"] == "unsupported_media_type"


# --- NUL characters, wherever they come from ------------------------------------


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/api/v1/auth/login/", {"username": "ann\x00", "password": "x"}, "username"),
        ("/api/v1/customers/", {"name": "A", "meta": {"tags": ["ok", "b\x00d"]}}, "meta.tags.1"),
        ("/api/v1/organizations/", {"name\x00": "Acme"}, "name\x00"),
        ("/api/v1/contact-from/contacts/", {"name": "A", "message": "\x00"}, "message"),
    ],
)
def test_nul_in_a_json_body_is_refused_by_field(api_client, admin, path, body, field):
    body = refused(api_client.post(path, body, format="json"), field)
    assert "Null characters" in body["errors"][field][0]


def test_nul_in_a_form_body_is_refused_by_field(api_client):
    response = api_client.post(
        "/api/v1/auth/verify-otp-login/", {"username": "9876543210", "password": "1\x002"}
    )
    refused(response, "password")


@pytest.mark.parametrize("path", LISTS)
def test_nul_in_a_query_parameter_is_refused(api_client, admin, path):
    refused(api_client.get(path, {"search": "a\x00b"}), "search")


@pytest.mark.parametrize("route", ["/api/v1/locations/districts/", "district thanas"])
def test_nul_in_a_query_parameter_of_a_seed_003_route_has_its_envelope(api_client, admin, route):
    from billing.models import District

    if route == "district thanas":
        route = f"/api/v1/locations/districts/{District.objects.first().pk}/thanas/"
    body = refused(api_client.get(route, {"search": "a\x00b"}), "search")
    assert body["success"] is False and body["error"] == {"search": [NUL_MESSAGE]}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/admin/%00/",  # a str path parameter
        "/api/v1/admin/reports/kyc/get_kyc_by_status/pend%00ing/",
        "/api/v1/no/such/%00/route",
    ],
)
def test_nul_in_the_path_is_refused(api_client, admin, path):
    refused(api_client.get(path), "path")


def test_nul_in_a_header_is_refused(api_client, admin):
    response = api_client.get("/api/v1/customers/", HTTP_USER_AGENT="probe\x00")
    refused(response, "User-Agent")


# --- Paging parameters ---------------------------------------------------------


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    "param, value",
    [("page", str(2**64)), ("page", "0"), ("page", "1.5"), ("page", "1_0"), ("page", "\u0661")],
)
def test_bad_page_numbers_are_refused_by_name(api_client, admin, path, param, value):
    if path in BARE_ARRAYS:
        param = "limit"  # no page numbers there; the limit takes the same checks
    refused(api_client.get(path, {param: value}), param)


@pytest.mark.parametrize(
    "path, param, value",
    [
        ("/api/v1/loans/worklist/", "page_size", "abc"),
        ("/api/v1/loans/worklist/", "page_size", "101"),
        ("/api/v1/loans/worklist/", "page_size", "0"),
        ("/api/v1/customers/", "limit", "101"),
        ("/api/v1/customers/", "skip", str(2**63)),
        ("/api/v1/customers/", "offset", "first"),
        ("/api/v1/user/admin/", "skip", str(2**63)),
        ("/api/v1/user/admin/", "limit", "-1"),
        ("/api/v1/user/admin/", "sort_order", "sideways"),
        ("/api/v1/user/admin/", "offset", "first"),
        ("/api/v1/user/admin/", "limit", "101"),
        ("/api/v1/recharge/admin/transactions/", "skip", str(2**63)),
        ("/api/v1/recharge/admin/transactions/", "size", "1000"),
        ("/api/v1/recharge/admin/transactions/", "limit", "null"),
        ("/api/v1/recharge/admin/transactions/", "sort_order", "AAA"),
    ],
)
def test_bad_paging_and_sorting_values_are_refused_by_name(api_client, admin, path, param, value):
    refused(api_client.get(path, {param: value}), param)


def test_a_page_past_the_end_is_404_or_an_empty_envelope(api_client, admin):
    # DRF page numbers: past the end is 404, as the schema says.
    past = api_client.get("/api/v1/loans/worklist/", {"page": "5"})
    assert error_of(past, 404)["code"] == "not_found"
    # Seed 004's envelope answers an empty page.
    envelope = api_client.get("/api/v1/recharge/admin/transactions/", {"page": "5"})
    assert envelope.status_code == 200
    assert envelope.json()["transactions"] == [] and envelope.json()["page"] == 5


def test_empty_paging_values_mean_not_given(api_client, admin):
    response = api_client.get("/api/v1/loans/worklist/", {"page": "", "page_size": ""})
    assert response.status_code == 200
    assert response.json()["count"] == 0
    bare = api_client.get("/api/v1/customers/", {"limit": "", "skip": "", "offset": ""})
    assert bare.status_code == 200 and bare.json() == []


# --- Filter values ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, param",
    [
        ("/api/v1/customers/", "created_at__gte"),
        ("/api/v1/recharge/admin/transactions/", "created_from"),
        ("/api/v1/autopay/admin/all/", "due_before"),
    ],
)
def test_offsets_postgresql_refuses_are_brought_to_utc(api_client, admin, path, param):
    # ISO 8601 allows offsets up to 23:59; PostgreSQL stops at 15:59.
    response = api_client.get(path, {param: "2024-01-01T00:00:00+21:36"})
    assert response.status_code == 200, response.content


def test_a_date_time_past_year_9999_in_utc_is_refused_by_name(api_client, admin):
    response = api_client.get(
        "/api/v1/customers/", {"created_at__gte": "9999-12-31T23:00:00-23:00"}
    )
    refused(response, "created_at__gte")


@pytest.mark.parametrize(
    "path, param",
    [
        ("/api/v1/admin/kyc/records/", "is_current"),
        ("/api/v1/organizations/", "revenue_sharing_enabled"),
    ],
)
def test_a_boolean_filter_takes_only_true_or_false(api_client, admin, path, param):
    refused(api_client.get(path, {param: "maybe"}), param)
    assert api_client.get(path, {param: "false"}).status_code == 200


# --- Body size -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/v1/customers/", "/api/v1/reports/users-report/", "/api/v1/auth/login/"],
)
def test_a_json_body_over_the_limit_is_413(api_client, admin, settings, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    # Large enough that the request log does not read it first: the parser refuses it.
    body = json.dumps({"name": "x" * 20_000})
    response = api_client.post(path, body, content_type="application/json")
    assert error_of(response, 413)["code"] == "payload_too_large"


def test_a_form_body_over_the_limit_is_413(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_client.post(
        "/api/v1/auth/verify-otp-login/",
        "username=" + "x" * 20_000 + "&password=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert error_of(response, 413)["code"] == "payload_too_large"


def test_a_multipart_body_over_the_limit_is_413(api_client, admin, settings):
    # Django's multipart parser refuses it as it reads; the refusal leaves as a 413.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_client.post(
        "/api/v1/content/admin/",
        {"content_type": "FAQ", "title": "t", "body": "x" * 20_000},
        format="multipart",
    )
    assert error_of(response, 413)["code"] == "payload_too_large"


# --- JSON scalars of another type than the schema's ----------------------------------


@pytest.mark.parametrize(
    "method, path, body, field",
    [
        (
            "post",
            "/api/v1/auth/forgot_password/",
            {"email_or_mobile": 9876543210},
            "email_or_mobile",
        ),
        ("put", "/api/v1/user/preference/", {"email_notification": 1}, "email_notification"),
        ("post", "/api/v1/roles/", {"name": "noc", "role_level": 2.0}, "role_level"),
        ("post", "/api/v1/roles/", {"name": "noc", "role_level": True}, "role_level"),
    ],
)
def test_a_json_value_of_another_type_is_refused(api_client, admin, method, path, body, field):
    refused(getattr(api_client, method)(path, body, format="json"), field)


def test_form_values_keep_their_meaning(api_client, admin):
    # Forms carry only strings: "true" is a boolean and "2" a number there.
    response = api_client.put(
        "/api/v1/user/preference/", {"email_notification": "true"}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json()["email_notification"] is True
