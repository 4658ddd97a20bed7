import importlib
import json
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.db import connection

from billing.models import District, Division, Thana
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DATA = json.loads(
    (importlib.import_module("billing.migrations.0002_bangladesh_locations").DATA_FILE).read_text(
        encoding="utf-8"
    )
)


@pytest.fixture
def client(api_client):
    api_client.force_authenticate(UserFactory())
    return api_client


def test_summary_counts_every_division_district_and_upazila(client):
    response = client.get("/api/v1/locations/summary/")
    assert response.status_code == 200
    body = response.json()["data"]
    assert (body["total_divisions"], body["total_districts"], body["total_thanas"]) == (8, 64, 495)
    dhaka = next(d for d in body["divisions"] if d["name"] == "Dhaka")
    assert dhaka["name_bn"] == "ঢাকা"
    assert dhaka["district_count"] == 13
    assert sum(d["thana_count"] for d in body["divisions"]) == 495


def test_the_migration_loaded_the_data_file_unchanged():
    assert Division.objects.count() == len(DATA["divisions"]) == 8
    assert District.objects.count() == len(DATA["districts"]) == 64
    assert Thana.objects.count() == len(DATA["upazilas"]) == 495
    comilla = District.objects.select_related("division").get(pk=1)
    assert (comilla.name, comilla.name_bn, comilla.division.name) == (
        "Comilla",
        "কুমিল্লা",
        "Chattogram",
    )
    assert Thana.objects.get(name="Shayestaganj").district.name == "Habiganj"
    assert not Thana.objects.filter(name_bn="").exists()


def test_the_location_migration_is_reversible():
    migration = importlib.import_module("billing.migrations.0002_bangladesh_locations")
    editor = SimpleNamespace(connection=connection)  # the functions read only its connection
    migration.unload(global_apps, editor)
    assert Thana.objects.count() == District.objects.count() == Division.objects.count() == 0
    migration.load(global_apps, editor)
    assert Thana.objects.count() == 495


def test_districts_list_is_paginated_and_counts_64(client):
    response = client.get("/api/v1/locations/districts/", {"page_size": 100})
    assert response.status_code == 200
    body = response.json()["data"]
    assert body["count"] == 64
    assert len(body["results"]) == 64
    names = [d["name"] for d in body["results"]]
    assert names == sorted(names)
    dhaka = next(d for d in body["results"] if d["name"] == "Dhaka")
    assert dhaka["division_name"] == "Dhaka"
    assert dhaka["thana_count"] == Thana.objects.filter(district__name="Dhaka").count()


def test_districts_search_in_english_and_bangla_and_ordering(client):
    english = client.get("/api/v1/locations/districts", {"search": "comil"}).json()["data"]
    assert [d["name"] for d in english["results"]] == ["Comilla"]
    bangla = client.get("/api/v1/locations/districts/", {"search": "কুমিল্লা"}).json()["data"]
    assert [d["name"] for d in bangla["results"]] == ["Comilla"]
    by_id = client.get("/api/v1/locations/districts/", {"ordering": "-id"}).json()["data"]
    assert by_id["results"][0]["id"] == 64


def test_thanas_filter_by_district_and_search(client):
    comilla = District.objects.get(name="Comilla")
    response = client.get("/api/v1/locations/thanas/", {"district": comilla.pk, "page_size": 100})
    body = response.json()["data"]
    expected = Thana.objects.filter(district=comilla).count()
    assert body["count"] == expected > 10
    assert {t["district"] for t in body["results"]} == {comilla.pk}
    assert {t["district_name"] for t in body["results"]} == {"Comilla"}

    found = client.get("/api/v1/locations/thanas", {"search": "Debidwar"}).json()["data"]
    assert [(t["name"], t["name_bn"]) for t in found["results"]] == [("Debidwar", "দেবিদ্বার")]

    all_thanas = client.get("/api/v1/locations/thanas/").json()["data"]
    assert all_thanas["count"] == 495


def test_thanas_of_one_district(client):
    habiganj = District.objects.get(name="Habiganj")
    response = client.get(f"/api/v1/locations/districts/{habiganj.pk}/thanas", {"page_size": 100})
    assert response.status_code == 200
    names = [t["name"] for t in response.json()["data"]["results"]]
    assert "Shayestaganj" in names
    assert len(names) == Thana.objects.filter(district=habiganj).count()
    assert client.get(f"/api/v1/locations/districts/{habiganj.pk}/thanas/").status_code == 200


def test_thanas_of_an_unknown_district_is_404(client):
    response = client.get("/api/v1/locations/districts/9999/thanas/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/locations/districts/",
        "/api/v1/locations/thanas/",
        "/api/v1/locations/districts/1/thanas/",
        "/api/v1/locations/summary/",
    ],
)
def test_locations_need_a_signed_in_user(api_client, path):
    assert api_client.get(path).status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/locations/districts/",
        "/api/v1/locations/thanas/",
        "/api/v1/locations/districts/1/thanas/",
    ],
)
def test_location_lists_use_a_fixed_number_of_queries(client, path, django_assert_max_num_queries):
    client.get(path)  # warm up: authentication and session lookups
    with django_assert_max_num_queries(4):
        small = client.get(path, {"page_size": 5})
    with django_assert_max_num_queries(4):
        large = client.get(path, {"page_size": 100})
    assert len(small.json()["data"]["results"]) == 5
    assert len(large.json()["data"]["results"]) > 5
