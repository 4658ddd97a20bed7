"""Who sees what: one scope for every route, 404 outside it for reads and writes alike."""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import User
from lending.models import Customer, Interaction, Loan
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(officer, other_officer, make_customer, make_loan, agent):
    """Two officers' customers, each with a loan and an interaction."""
    mine = make_customer(officer, name="Mine")
    theirs = make_customer(other_officer, name="Theirs")
    unassigned = make_customer(None, actor=agent, name="Nobody's")
    mine_loan, theirs_loan = make_loan(mine), make_loan(theirs)
    theirs_note = Interaction.objects.create(
        loan=theirs_loan, interaction_type="field", disposition="visited", created_by=other_officer
    )
    return {
        "mine": mine,
        "theirs": theirs,
        "unassigned": unassigned,
        "mine_loan": mine_loan,
        "theirs_loan": theirs_loan,
        "theirs_note": theirs_note,
    }


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()}


def test_officer_sees_only_assigned_customers_and_their_loans(as_user, officer, book):
    client = as_user(officer)
    assert _ids(client.get("/api/v1/customers/")) == {book["mine"].pk}
    assert _ids(client.get("/api/v1/loans")) == {book["mine_loan"].pk}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/customers/{theirs}/", None),
        ("patch", "/api/v1/customers/{theirs}/", {"name": "Taken over"}),
        ("put", "/api/v1/customers/{theirs}", {"name": "X", "phone": "9876543210"}),
        ("delete", "/api/v1/customers/{theirs}/", None),
        ("get", "/api/v1/loans/{theirs_loan}/", None),
        ("patch", "/api/v1/loans/{theirs_loan}/", {"tenure_months": 24}),
        ("delete", "/api/v1/loans/{theirs_loan}", None),
        ("get", "/api/v1/loans/customer/{theirs}/", None),
        ("get", "/api/v1/loans/{theirs_loan}/schedule/", None),
        ("get", "/api/v1/loans/{theirs_loan}/repayments/", None),
        ("post", "/api/v1/loans/{theirs_loan}/repayments/", {"amount": "10.00"}),
        ("get", "/api/v1/interactions/field/loan/{theirs_loan}/", None),
        ("get", "/api/v1/interactions/field/{theirs_note}/", None),
        ("patch", "/api/v1/interactions/field/{theirs_note}/", {"comment": "x"}),
        ("delete", "/api/v1/interactions/field/{theirs_note}/", None),
    ],
)
def test_another_officers_objects_are_not_found(as_user, officer, book, method, path, body):
    client = as_user(officer)
    url = path.format(**{key: obj.pk for key, obj in book.items()})
    response = getattr(client, method)(url, body) if body else getattr(client, method)(url)
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    assert Customer.objects.filter(pk=book["theirs"].pk, name="Theirs").exists()
    assert Loan.objects.filter(pk=book["theirs_loan"].pk, tenure_months=12).exists()
    assert Interaction.objects.filter(pk=book["theirs_note"].pk).exists()


def test_references_outside_the_view_are_refused(as_user, officer, book):
    client = as_user(officer)
    response = client.post(
        "/api/v1/loans/",
        {
            "loan_account_number": "LNX1",
            "principal_amount": "1000.00",
            "interest_rate": "10.00",
            "loan_type": "personal",
            "tenure_months": 6,
            "loan_date": "2025-03-09",
            "customer": book["theirs"].pk,
        },
    )
    assert response.status_code == 400
    assert "customer" in response.json()["errors"]
    response = client.post(
        "/api/v1/interactions/calling/create/",
        {"loan": book["theirs_loan"].pk, "disposition": "called"},
    )
    assert response.status_code == 400
    assert "loan" in response.json()["errors"]


def test_calling_agent_sees_every_customer(as_user, agent, book):
    client = as_user(agent)
    expected = {book["mine"].pk, book["theirs"].pk, book["unassigned"].pk}
    assert _ids(client.get("/api/v1/customers/")) == expected
    assert client.get(f"/api/v1/loans/{book['theirs_loan'].pk}/").status_code == 200


def test_manager_sees_the_customers_of_their_team_only(as_user, manager, book, make_customer):
    own = make_customer(manager, name="Manager's own")
    client = as_user(manager)
    assert _ids(client.get("/api/v1/customers/")) == {book["mine"].pk, own.pk}
    assert client.get(f"/api/v1/customers/{book['theirs'].pk}/").status_code == 404
    assert client.get(f"/api/v1/loans/{book['theirs_loan'].pk}/").status_code == 404


def test_admins_see_everything(as_user, admin_user, book):
    assert len(_ids(as_user(admin_user).get("/api/v1/customers/"))) == 3


def test_the_view_all_permission_makes_an_admin(as_user, book, other_officer):
    other_officer.user_permissions.add(Permission.objects.get(codename="view_all_customers"))
    other_officer = User.objects.get(pk=other_officer.pk)
    assert len(_ids(as_user(other_officer).get("/api/v1/customers/"))) == 3


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/customers/"),
        ("post", "/api/v1/customers/create/"),
        ("get", "/api/v1/loans/"),
        ("get", "/api/v1/loans/worklist/"),
        ("post", "/api/v1/interactions/field/create/"),
        ("post", "/api/v1/customers/bulk/upload/"),
    ],
)
def test_users_without_a_collections_role_are_forbidden(as_user, outsider, method, path):
    response = getattr(as_user(outsider), method)(path)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_anonymous_callers_must_sign_in(api_client, book):
    for path in ("/api/v1/customers/", f"/api/v1/loans/{book['mine_loan'].pk}/schedule"):
        assert api_client.get(path).status_code == 401


def test_officer_cannot_assign_customers_to_someone_else(as_user, officer, other_officer):
    client = as_user(officer)
    response = client.post(
        "/api/v1/customers/",
        {"name": "New", "phone": "9876543210", "assigned_collection_officer": other_officer.pk},
    )
    assert response.status_code == 400
    assert "assigned_collection_officer" in response.json()["errors"]
    response = client.post("/api/v1/customers/", {"name": "New", "phone": "9876543210"})
    assert response.status_code == 201
    assert response.json()["assigned_collection_officer"] == officer.pk


def test_manager_assigns_within_the_team(as_user, manager, officer, other_officer):
    client = as_user(manager)
    ok = client.post(
        "/api/v1/customers/",
        {"name": "A", "phone": "9876543210", "assigned_collection_officer": officer.pk},
    )
    assert ok.status_code == 201
    refused = client.post(
        "/api/v1/customers/",
        {"name": "B", "phone": "9876543211", "assigned_collection_officer": other_officer.pk},
    )
    assert refused.status_code == 400


def test_scope_holds_through_a_real_bearer_token(api_client, officer, book):
    login = api_client.post(
        "/api/v1/auth/login", {"username": officer.username, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200, login.content
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    assert _ids(api_client.get("/api/v1/customers")) == {book["mine"].pk}
    assert api_client.get(f"/api/v1/customers/{book['theirs'].pk}").status_code == 404
