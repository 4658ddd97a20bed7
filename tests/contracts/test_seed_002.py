"""Seed 002 (RepaySync): each documented request, answered in the documented shape.

Every example of the seed document is here: its request is sent as the seed shows
it (under `/api/v1/` rather than `/api/`), signed in with the seed's own bearer
tokens from `/auth/token/`, and the reply's keys, nesting, JSON types and status are
compared with the documented reply (`tests/contracts/shape.py`). Where the seed
shows no reply ("Returns the created customer details"), the reply is compared with
the object the seed shows elsewhere for the same resource. Where the seed and
safety disagree, the README's "Differences from the seed documents" says why.
"""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from accounts.models import AccountStatus, StaffType, User
from audit.models import AuditEvent
from conftest import CommittingClient
from tests.contracts.shape import assert_shape
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"

# --- the seed's documented requests and replies ------------------------------------------------

TOKENS = {"access": "eyJ0eXAiOiJKV1QiLCJh...", "refresh": "eyJ0eXAiOiJKV1QiLCJh..."}
ACCESS = {"access": "new_access_token"}
REGISTER = {
    "username": "johndoe",
    "email": "john@example.com",
    "role": "calling_agent",
    "manager": None,
    "password": "SomePassword123",
}
USERS = [
    {
        "id": 1,
        "username": "johndoe",
        "email": "john@example.com",
        "role": "calling_agent",
        "manager": None,
    },
    {
        "id": 2,
        "username": "janedoe",
        "email": "jane@example.com",
        "role": "collection_officer",
        "manager": 1,
    },
]
CUSTOMER = {
    "id": 1,
    "customer_code": "A1B2C3D4",
    "name": "John Doe",
    "phone": "+91-9876543210",
    "email": "john@example.com",
    "assigned_collection_officer": 2,
    "address_line_1": "123 Main St",
    "address_line_2": "Apt 4B",
    "city": "Kolkata",
    "state": "WB",
    "pincode": "700001",
    "date_of_birth": "1990-01-01",
}
CUSTOMER_CREATE = {
    "customer_code": "OptionalValueOrNull",
    "name": "John Doe",
    "phone": "+91-9876543210",
    "email": "john@example.com",
    "assigned_collection_officer": 2,
    "address_line_1": "123 Main St",
    "address_line_2": "Apt 4B",
    "city": "Kolkata",
    "state": "WB",
    "pincode": "700001",
    "date_of_birth": "1990-01-01",
}
CUSTOMER_UPDATE = {"name": "John Doe Updated", "phone": "+91-9123456789"}
CUSTOMER_CSV = (
    "customer_code,name,phone,email,address_line_1,address_line_2,city,state,pincode,"
    "date_of_birth\n"
    ",Asha Rao,+91-9876500001,asha@example.com,1 Park St,,Kolkata,WB,700016,1988-05-01\n"
    "C0000002,Ravi Das,9876500002,,2 Lake Rd,Flat 3,Kolkata,WB,700029,1979-11-30\n"
)
UPLOADED = {"records_created": 10, "errors": []}
LOAN_CREATE = {
    "loan_account_number": "LN12345",
    "principal_amount": "50000.00",
    "interest_rate": "10.50",
    "loan_type": "personal",
    "tenure_months": 12,
    "loan_date": "2025-03-09",
    "customer": 1,
}
LOAN_UPDATE = {"principal_amount": "75000.00", "tenure_months": 24}
LOANS = [
    {
        "id": 1,
        "loan_account_number": "LN12345",
        "principal_amount": "50000.00",
        "interest_rate": "10.50",
        "loan_type": "personal",
        "tenure_months": 12,
        "loan_date": "2025-03-09",
        "customer": 1,
    },
    {
        "id": 2,
        "loan_account_number": "LN67890",
        "principal_amount": "75000.00",
        "interest_rate": "11.00",
        "loan_type": "home",
        "tenure_months": 36,
        "loan_date": "2025-04-15",
        "customer": 1,
    },
]
FIELD_CREATE = {
    "loan": 1,
    "comment": "Visited customer; discussed repayment plan.",
    "disposition": "visited",
    "next_call_date": "2025-03-15",
}
CALLING_CREATE = {
    "loan": 1,
    "comment": "Called customer to remind about due payment.",
    "disposition": "called",
    "next_call_date": "2025-03-20",
}
INTERACTIONS = [
    {
        "id": 1,
        "loan": 1,
        "comment": "Visited customer; discussed repayment plan.",
        "disposition": "visited",
        "timestamp": "2025-03-09T10:30:00Z",
        "next_call_date": "2025-03-15",
        "created_by": 2,
        "interaction_type": "field",
    }
]
LOGS = [
    {
        "id": 1,
        "user": 2,
        "method": "GET",
        "endpoint": "/api/customers/",
        "request_payload": "",
        "response_payload": "[{...}]",
        "status_code": 200,
        "created_at": "2025-03-09T10:45:00Z",
    }
]
NO_FILE = {"error": "No file provided."}
FIELD_ERRORS = {"errors": {"name": ["This field is required."]}}
# A fresh customer has no officer, address line 2 or birth date until given one.
CUSTOMER_NULLABLE = {"$[].assigned_collection_officer", "$[].date_of_birth"}


# --- helpers -------------------------------------------------------------------------------------


def _csv(text: str) -> io.BytesIO:
    handle = io.BytesIO(text.encode())
    handle.name = "upload.csv"
    return handle


@pytest.fixture
def manager() -> User:
    return UserFactory(username="manager1", user_type=StaffType.MANAGER)


@pytest.fixture
def officer(manager) -> User:
    return UserFactory(username="officer1", user_type=StaffType.COLLECTION_OFFICER, manager=manager)


@pytest.fixture
def bearer(api_client):
    """Sign in the seed's way (username and password for tokens) and send the access token."""

    def _as(user: User):
        api_client.credentials()
        response = api_client.post(
            f"{API}/auth/token/", {"username": user.username, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 200, response.content
        assert_shape(response.json(), TOKENS)
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
        return api_client

    return _as


@pytest.fixture
def as_admin():
    """An admin's client. Admins are staff, whose sign-in always has a second factor, so
    `/auth/token/` gives them no tokens (DESIGN.md); they are signed in directly here."""
    admin = UserFactory(user_type=StaffType.ADMIN, is_superuser=True, is_staff=True)
    client = CommittingClient()
    client.force_authenticate(admin)
    return client


@pytest.fixture
def customer(bearer, officer):
    body = {**CUSTOMER_CREATE, "customer_code": None, "assigned_collection_officer": officer.pk}
    response = bearer(officer).post(f"{API}/customers/", body)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def loan(bearer, officer, customer):
    body = {**LOAN_CREATE, "customer": customer["id"]}
    response = bearer(officer).post(f"{API}/loans/", body)
    assert response.status_code == 201, response.content
    return response.json()


def _one(documented_list: list) -> dict:
    return documented_list[0]


# --- 3 authentication --------------------------------------------------------------------------


def test_3_1_obtain_tokens_and_3_2_refresh(api_client, officer):
    response = api_client.post(
        f"{API}/auth/token/", {"username": officer.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert_shape(response.json(), TOKENS)
    refreshed = api_client.post(
        f"{API}/auth/token/refresh/", {"refresh": response.json()["refresh"]}
    )
    assert refreshed.status_code == 200
    assert_shape(refreshed.json(), ACCESS)


def test_3_1_wrong_password_is_a_401(api_client, officer):
    response = api_client.post(
        f"{API}/auth/token/", {"username": officer.username, "password": "not-the-password"}
    )
    assert response.status_code == 401


# --- 4 users ------------------------------------------------------------------------------------


def test_4_1_register_then_approval_by_the_manager(api_client, bearer, manager):
    response = api_client.post(f"{API}/users/register/", REGISTER)
    assert response.status_code == 201, response.content
    created = response.json()
    assert_shape(created, _one(USERS))
    assert created["role"] == "calling_agent" and created["status"] == "pending_approval"
    # Waiting for approval: no tokens yet.
    refused = api_client.post(
        f"{API}/auth/token/", {"username": "johndoe", "password": REGISTER["password"]}
    )
    assert refused.status_code in (401, 403)

    # The manager the account names approves it, the way seed 003 edits a user.
    User.objects.filter(pk=created["id"]).update(manager=manager)
    approved = bearer(manager).patch(f"{API}/users/{created['id']}/", {"status": "active"})
    assert approved.status_code == 200, approved.content
    assert User.objects.get(pk=created["id"]).status == AccountStatus.ACTIVE
    event = AuditEvent.objects.get(action="accounts.user_approved", target_id=str(created["id"]))
    assert event.actor_id == manager.pk

    api_client.credentials()
    signed_in = api_client.post(
        f"{API}/auth/token/", {"username": "johndoe", "password": REGISTER["password"]}
    )
    assert signed_in.status_code == 200, signed_in.content
    assert_shape(signed_in.json(), TOKENS)


def test_approval_by_someone_else_is_refused_and_changes_nothing(api_client, bearer, officer):
    pending = UserFactory(user_type=StaffType.CALLING_AGENT, status=AccountStatus.PENDING_APPROVAL)
    other_manager = UserFactory(user_type=StaffType.MANAGER)
    for caller in (officer, other_manager):
        response = bearer(caller).patch(f"{API}/users/{pending.pk}/", {"status": "active"})
        assert response.status_code == 403, response.content
    pending.refresh_from_db()
    assert pending.status == AccountStatus.PENDING_APPROVAL
    assert not AuditEvent.objects.filter(action="accounts.user_approved").exists()


def test_approval_does_not_revive_a_blocked_account(as_admin):
    blocked = UserFactory(user_type=StaffType.CALLING_AGENT, status=AccountStatus.BLOCKED)
    response = as_admin.patch(f"{API}/users/{blocked.pk}/", {"status": "active"})
    assert response.status_code == 409, response.content
    blocked.refresh_from_db()
    assert blocked.status == AccountStatus.BLOCKED


def test_patch_with_a_field_that_cannot_be_set_is_a_400_naming_it(as_admin):
    member = UserFactory(user_type=StaffType.CALLING_AGENT)
    response = as_admin.patch(f"{API}/users/{member.pk}/", {"status": "active", "date_joined": "x"})
    assert response.status_code == 400
    assert "date_joined" in response.json()["error"]


def test_4_2_list_users_is_a_bare_array(as_admin, manager, officer):
    UserFactory(username="johndoe", user_type=StaffType.CALLING_AGENT)
    response = as_admin.get(f"{API}/users/")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list) and len(body) == 4
    assert_shape(body, USERS)
    by_name = {row["username"]: row for row in body}
    assert by_name["officer1"]["manager"] == manager.pk
    assert by_name["officer1"]["role"] == "collection_officer"


# --- 5 customers ---------------------------------------------------------------------------------


def test_5_1_list_and_create_customers(bearer, officer, customer):
    assert_shape(customer, CUSTOMER)
    assert len(customer["customer_code"]) == 8  # generated for a null code
    assert customer["phone"] == "+919876543210"
    response = bearer(officer).get(f"{API}/customers/")
    assert response.status_code == 200
    assert_shape(response.json(), [CUSTOMER], nullable=CUSTOMER_NULLABLE)
    assert [row["id"] for row in response.json()] == [customer["id"]]


def test_5_2_create_a_single_customer(bearer, officer):
    body = {**CUSTOMER_CREATE, "customer_code": "A1B2C3D4"}
    del body["assigned_collection_officer"]
    response = bearer(officer).post(f"{API}/customers/create/", body)
    assert response.status_code == 201, response.content
    assert_shape(response.json(), CUSTOMER)
    # An officer's customer is theirs when the request names no one.
    assert response.json()["assigned_collection_officer"] == officer.pk


def test_5_3_retrieve_update_delete_customer(bearer, officer, customer):
    client = bearer(officer)
    url = f"{API}/customers/{customer['id']}/"
    assert_shape(client.get(url).json(), CUSTOMER)
    patched = client.patch(url, CUSTOMER_UPDATE)
    assert patched.status_code == 200, patched.content
    assert_shape(patched.json(), CUSTOMER)
    assert patched.json()["name"] == "John Doe Updated"
    put = client.put(url, {**CUSTOMER_UPDATE, "name": "John Doe Put"})
    assert put.status_code == 200, put.content
    assert_shape(put.json(), CUSTOMER)
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_5_4_bulk_upload_customers(bearer, officer):
    response = bearer(officer).post(
        f"{API}/customers/bulk/upload/", {"file": _csv(CUSTOMER_CSV)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert_shape(response.json(), UPLOADED)
    assert response.json()["records_created"] == 2


def test_10_no_file_and_field_errors_in_both_documented_forms(bearer, officer):
    client = bearer(officer)
    missing = client.post(f"{API}/customers/bulk/upload/", {}, format="multipart")
    assert missing.status_code == 400
    assert_shape(missing.json(), NO_FILE)
    assert "file" in missing.json()["errors"]
    invalid = client.post(f"{API}/customers/", {"phone": "+91-9876543210"})
    assert invalid.status_code == 400
    assert_shape(invalid.json(), FIELD_ERRORS)
    assert_shape(invalid.json(), {"error": "name: This field is required."})


def test_10_unauthenticated_and_forbidden(api_client, bearer):
    assert api_client.get(f"{API}/customers/").status_code == 401
    outsider = UserFactory(username="subscriber1")
    forbidden = bearer(outsider).get(f"{API}/customers/")
    assert forbidden.status_code == 403
    assert_shape(forbidden.json(), NO_FILE)


# --- 6 loans ---------------------------------------------------------------------------------------


def test_6_1_list_and_create_loans(bearer, officer, loan):
    assert_shape(loan, _one(LOANS))
    response = bearer(officer).get(f"{API}/loans/")
    assert response.status_code == 200
    assert_shape(response.json(), LOANS)
    assert [row["id"] for row in response.json()] == [loan["id"]]


def test_6_2_retrieve_update_delete_loan(bearer, officer, loan):
    client = bearer(officer)
    url = f"{API}/loans/{loan['id']}/"
    assert_shape(client.get(url).json(), _one(LOANS))
    patched = client.patch(url, LOAN_UPDATE)
    assert patched.status_code == 200, patched.content
    assert_shape(patched.json(), _one(LOANS))
    assert (patched.json()["principal_amount"], patched.json()["tenure_months"]) == (
        "75000.00",
        24,
    )
    full = {**LOAN_CREATE, **LOAN_UPDATE, "customer": loan["customer"]}
    put = client.put(url, full)
    assert put.status_code == 200, put.content
    assert_shape(put.json(), _one(LOANS))
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_6_3_loans_of_a_customer(bearer, officer, customer, loan):
    client = bearer(officer)
    second = client.post(
        f"{API}/loans/",
        {**LOANS[1], "customer": customer["id"], "loan_date": timezone.localdate().isoformat()},
    )
    assert second.status_code == 201, second.content
    response = client.get(f"{API}/loans/customer/{customer['id']}/")
    assert response.status_code == 200
    assert_shape(response.json(), LOANS)
    assert {row["id"] for row in response.json()} == {loan["id"], second.json()["id"]}


# --- 7 interactions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "documented"), [("field", FIELD_CREATE), ("calling", CALLING_CREATE)]
)
def test_7_create_retrieve_update_delete_and_list(bearer, officer, loan, kind, documented):
    client = bearer(officer)
    created = client.post(f"{API}/interactions/{kind}/create/", {**documented, "loan": loan["id"]})
    assert created.status_code == 201, created.content
    item = {**_one(INTERACTIONS), "interaction_type": kind}
    assert_shape(created.json(), item)
    assert created.json()["interaction_type"] == kind
    url = f"{API}/interactions/{kind}/{created.json()['id']}/"
    assert_shape(client.get(url).json(), item)
    patched = client.patch(url, {"comment": "Customer asked for a call back."})
    assert patched.status_code == 200, patched.content
    assert_shape(patched.json(), item)
    put = client.put(url, {**documented, "loan": loan["id"]})
    assert put.status_code == 200, put.content
    listed = client.get(f"{API}/interactions/{kind}/loan/{loan['id']}/")
    assert listed.status_code == 200
    assert_shape(listed.json(), [item])
    assert [row["id"] for row in listed.json()] == [created.json()["id"]]
    assert client.delete(url).status_code == 204
    assert client.get(f"{API}/interactions/{kind}/loan/{loan['id']}/").json() == []


def test_7_3_bulk_upload_interactions(bearer, officer, loan):
    text = (
        "loan_id,comment,disposition,next_call_date,interaction_type\n"
        f"{loan['id']},Visited,visited,2030-03-15,field\n"
        f"{loan['id']},Reminder call,called,2030-03-20,calling\n"
    )
    response = bearer(officer).post(
        f"{API}/interactions/bulk/upload/", {"file": _csv(text)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert_shape(response.json(), UPLOADED)
    assert response.json()["records_created"] == 2


# --- 8 logs ---------------------------------------------------------------------------------------


def test_8_1_list_api_logs_admin_only(bearer, officer, as_admin):
    bearer(officer).get(f"{API}/customers/")
    assert bearer(officer).get(f"{API}/logs/").status_code == 403
    response = as_admin.get(f"{API}/logs/")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list) and body
    assert_shape(body, LOGS, nullable={"$[].user"})
    assert any(row["endpoint"] == "/api/v1/customers/" for row in body)
