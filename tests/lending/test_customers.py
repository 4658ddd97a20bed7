import pytest

from audit.models import AuditEvent
from lending.models import Customer
from lending.rules import CUSTOMER_CODE_ALPHABET

pytestmark = pytest.mark.django_db

SEED_BODY = {
    "customer_code": None,
    "name": "John Doe",
    "phone": "+91-9876543210",
    "email": "John@Example.com",
    "address_line_1": "123 Main St",
    "address_line_2": "Apt 4B",
    "city": "Kolkata",
    "state": "WB",
    "pincode": "700001",
    "date_of_birth": "1990-01-01",
}


@pytest.mark.parametrize("path", ["/api/v1/customers/", "/api/v1/customers/create/"])
def test_create_generates_a_code_and_stores_the_phone_in_e164(as_user, officer, path):
    response = as_user(officer).post(path, SEED_BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["customer_code"]) == 8
    assert set(body["customer_code"]) <= set(CUSTOMER_CODE_ALPHABET)
    assert body["phone"] == "+919876543210"
    assert body["email"] == "john@example.com"
    assert body["assigned_collection_officer"] == officer.pk
    customer = Customer.objects.get(pk=body["id"])
    assert customer.created_by == officer
    event = AuditEvent.objects.get(action="lending.customer_created", target_id=str(customer.pk))
    assert event.actor == officer
    assert event.after["phone"] == "+919876543210"


def test_omitted_code_is_generated_and_a_given_one_kept(as_user, officer):
    client = as_user(officer)
    body = {k: v for k, v in SEED_BODY.items() if k != "customer_code"}
    assert len(client.post("/api/v1/customers/create", body).json()["customer_code"]) == 8
    given = client.post("/api/v1/customers/", {**SEED_BODY, "customer_code": "A1B2C3D4"})
    assert given.status_code == 201
    assert given.json()["customer_code"] == "A1B2C3D4"
    again = client.post("/api/v1/customers/", {**SEED_BODY, "customer_code": "A1B2C3D4"})
    assert again.status_code == 400
    assert "customer_code" in again.json()["errors"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "12345"),
        ("phone", "not a phone"),
        ("pincode", "070001"),
        ("pincode", "7000"),
        ("email", "not-an-email"),
        ("date_of_birth", "2999-01-01"),
        ("date_of_birth", "1850-01-01"),
        ("customer_code", "bad code!"),
        ("name", "   "),
    ],
)
def test_invalid_fields_are_named(as_user, officer, field, value):
    response = as_user(officer).post("/api/v1/customers/", {**SEED_BODY, field: value})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Customer.objects.exists()


def test_customers_must_be_adults(as_user, officer, today):
    seventeen = today.replace(year=today.year - 17)
    response = as_user(officer).post(
        "/api/v1/customers/", {**SEED_BODY, "date_of_birth": seventeen.isoformat()}
    )
    assert response.status_code == 400
    assert "18" in response.json()["errors"]["date_of_birth"][0]


def test_update_and_its_audit_event(as_user, officer, make_customer):
    customer = make_customer(officer)
    client = as_user(officer)
    response = client.patch(
        f"/api/v1/customers/{customer.pk}", {"name": "John Doe Updated", "phone": "+91-9123456789"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "+919123456789"
    event = AuditEvent.objects.get(action="lending.customer_updated")
    assert event.after == {"name": "John Doe Updated", "phone": "+919123456789"}
    assert event.before["name"] == "Asha Rao"


def test_delete_is_refused_while_loans_exist(as_user, officer, make_customer, make_loan):
    with_loan, without = make_customer(officer), make_customer(officer)
    make_loan(with_loan)
    client = as_user(officer)
    assert client.delete(f"/api/v1/customers/{with_loan.pk}/").status_code == 409
    assert client.delete(f"/api/v1/customers/{without.pk}/").status_code == 204
    assert list(Customer.objects.values_list("pk", flat=True)) == [with_loan.pk]
    assert AuditEvent.objects.filter(
        action="lending.customer_deleted", target_id=str(without.pk)
    ).exists()


def test_search_and_filter(as_user, agent, officer, make_customer):
    make_customer(officer, name="Ravi Kumar", city="Pune")
    make_customer(officer, name="Sita Devi", city="Kolkata")
    client = as_user(agent)
    names = [r["name"] for r in client.get("/api/v1/customers/?search=ravi").json()]
    assert names == ["Ravi Kumar"]
    names = [r["name"] for r in client.get("/api/v1/customers/?city=Kolkata").json()]
    assert names == ["Sita Devi"]


@pytest.mark.parametrize("limit", [2, 40])
def test_list_query_count_does_not_grow_with_the_page(
    as_user, manager, officer, make_customer, django_assert_max_num_queries, limit
):
    for _ in range(40):
        make_customer(officer)
    client = as_user(manager)
    client.get("/api/v1/customers/")  # warm the permission cache of the session
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/customers/?limit={limit}")
    assert len(response.json()) == limit
