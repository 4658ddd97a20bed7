"""Routes answer with and without a trailing slash, and never redirect."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.probe_urls")]


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1"])
def test_api_index_answers_both_ways(api_client, path):
    response = api_client.get(path)
    assert response.status_code == 200
    assert response.json()["version"] == "v1"


@pytest.mark.parametrize("path", ["/api/v1/probe/validation", "/api/v1/probe/validation/"])
def test_post_is_served_both_ways_without_redirect(api_client, path):
    response = api_client.post(path, {"email": "a@example.com", "amount": "1.00"})
    assert response.status_code == 200
    assert response.json() == {"ok": True}


@pytest.mark.parametrize("suffix", ["", "/"])
def test_router_routes_answer_both_ways(api_client, suffix):
    assert api_client.get(f"/api/v1/probe/items{suffix}").status_code == 200
    assert api_client.post(f"/api/v1/probe/items{suffix}").status_code == 201
    detail = api_client.get(f"/api/v1/probe/items/42{suffix}")
    assert detail.status_code == 200
    assert detail.json() == {"id": "42"}


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_liveness_reveals_nothing(api_client, path):
    response = api_client.get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_api_index_lists_the_routes_of_each_app(api_client):
    body = api_client.get("/api/v1/").json()
    assert set(body["apps"]) == {
        "accounts",
        "kyc",
        "lending",
        "billing",
        "recharge",
        "audit",
        "reports",
    }
    assert body["schema"].endswith("/api/v1/schema/")
    assert body["docs"].endswith("/api/v1/docs/")


def test_pagination_defaults_and_bounds_page_size(api_client):
    from accounts.models import User

    User.objects.bulk_create([User(username=f"bulk{i}") for i in range(105)])
    default = api_client.get("/api/v1/probe/users").json()
    assert set(default) == {"count", "next", "previous", "results"}
    assert default["count"] == 105
    assert len(default["results"]) == 20

    largest = api_client.get("/api/v1/probe/users", {"page_size": 100}).json()
    assert len(largest["results"]) == 100
    assert largest["next"] is not None
    # Past the cap is refused, as the schema's maximum says, rather than silently cut.
    too_many = api_client.get("/api/v1/probe/users", {"page_size": 101})
    assert too_many.status_code == 400
    assert "page_size" in too_many.json()["errors"]

    small = api_client.get("/api/v1/probe/users", {"page_size": 7, "page": 2}).json()
    assert [row["username"] for row in small["results"]] == [f"bulk{i}" for i in range(7, 14)]


def test_cors_allows_only_configured_origins(api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    allowed = api_client.options(
        "/api/v1/",
        HTTP_ORIGIN="https://app.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    refused = api_client.options(
        "/api/v1/",
        HTTP_ORIGIN="https://evil.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert "Access-Control-Allow-Origin" not in refused
