"""Seed 002's lists are bare arrays, and bounded: `limit` (at most 100), `skip` or `offset`."""

import pytest

from lending.models import Interaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(officer, loan_of_officer):
    Interaction.objects.bulk_create(
        Interaction(
            loan=loan_of_officer,
            interaction_type="field",
            disposition="visited",
            created_by=officer,
        )
        for _ in range(105)
    )
    return f"/api/v1/interactions/field/loan/{loan_of_officer.pk}/"


@pytest.fixture
def loan_of_officer(officer, make_customer, make_loan):
    return make_loan(make_customer(officer))


def test_a_bare_array_never_longer_than_the_maximum(as_user, officer, many):
    body = as_user(officer).get(many).json()
    assert isinstance(body, list) and len(body) == 100


def test_limit_skip_and_offset_choose_the_slice(as_user, officer, many):
    client = as_user(officer)
    everything = [row["id"] for row in client.get(many, {"limit": 100}).json()]
    assert [row["id"] for row in client.get(many, {"limit": 3}).json()] == everything[:3]
    assert [row["id"] for row in client.get(many, {"limit": 3, "skip": 2}).json()] == (
        everything[2:5]
    )
    assert [row["id"] for row in client.get(many, {"limit": 3, "offset": 2}).json()] == (
        everything[2:5]
    )
    assert len(client.get(many, {"skip": 100}).json()) == 5
    assert client.get(many, {"skip": 1000}).json() == []


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"skip": -1}, "skip"),
        ({"offset": "1_0"}, "offset"),
        ({"skip": 1, "offset": 2}, "offset"),
    ],
)
def test_a_bad_paging_parameter_is_a_400_naming_it(as_user, officer, many, params, named):
    response = as_user(officer).get(many, params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [named]


def test_the_schema_says_bare_array_with_its_bound(as_user, officer):
    schema = as_user(officer).get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/customers/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"limit", "skip", "offset"} <= names and "page" not in names
    reply = operation["responses"]["200"]["content"]["application/json"]["schema"]
    component = schema["components"]["schemas"][reply["$ref"].rsplit("/", 1)[1]]
    assert component["type"] == "array" and component["maxItems"] == 100
