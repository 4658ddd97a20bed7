from datetime import timedelta

import pytest

from audit.models import AuditEvent
from lending.models import Customer, ImportBatch, Interaction
from tests.lending.conftest import csv_file

pytestmark = pytest.mark.django_db

CUSTOMERS_URL = "/api/v1/customers/bulk/upload/"
INTERACTIONS_URL = "/api/v1/interactions/bulk/upload/"

HEADER = (
    "customer_code,name,phone,email,address_line_1,address_line_2,city,state,pincode,date_of_birth"
)
GOOD = [
    "A1B2C3D4,John Doe,+91-9876543210,john@example.com,123 Main St,Apt 4B,Kolkata,WB,700001,1990-01-01",
    ",Asha Rao,98765 43211,,,,Pune,MH,411001,",
    ',"Rao, Ravi",09876543212,RAVI@EXAMPLE.COM,"1 Lake Rd, Block C",,Chennai,TN,600001,1985-12-31',
]
BAD = [
    "bad code!,,12345,not-an-email,,,,,070001,31-12-1990",
    ",Minor,9876543213,,,,,,,2020-01-01",
]


def _upload(client, url, text, **data):
    return client.post(url, {"file": csv_file(text), **data}, format="multipart")


def test_good_rows_are_saved(as_user, officer):
    response = _upload(as_user(officer), CUSTOMERS_URL, "\n".join([HEADER, *GOOD]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["records_created"], body["records_skipped"], body["errors"]) == (3, 0, [])
    assert body["rows_total"] == 3
    by_name = {c.name: c for c in Customer.objects.all()}
    assert set(by_name) == {"John Doe", "Asha Rao", "Rao, Ravi"}
    assert by_name["John Doe"].customer_code == "A1B2C3D4"
    assert len(by_name["Asha Rao"].customer_code) == 8
    assert [by_name[n].phone for n in ("John Doe", "Asha Rao", "Rao, Ravi")] == [
        "+919876543210",
        "+919876543211",
        "+919876543212",
    ]
    ravi = by_name["Rao, Ravi"]
    assert (ravi.email, ravi.address_line_1, str(ravi.date_of_birth)) == (
        "ravi@example.com",
        "1 Lake Rd, Block C",
        "1985-12-31",
    )
    assert all(c.assigned_collection_officer == officer for c in by_name.values())
    assert all(c.created_by == officer for c in by_name.values())
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.records_created, batch.uploaded_by) == ("customers", 3, officer)
    event = AuditEvent.objects.get(action="lending.customers_imported")
    assert event.after["records_created"] == 3
    assert body["batch_id"] == batch.pk


def test_bad_rows_are_reported_with_row_and_column_and_good_ones_saved(as_user, agent):
    text = "\n".join([HEADER, GOOD[0], *BAD, GOOD[1], "too,few"])
    response = _upload(as_user(agent), CUSTOMERS_URL, text)
    assert response.status_code == 201
    body = response.json()
    assert body["records_created"] == 2
    assert body["rows_total"] == 5
    problems = {(e["row"], e["column"]) for e in body["errors"]}
    assert problems == {
        (3, "customer_code"),
        (3, "name"),
        (3, "phone"),
        (3, "email"),
        (3, "pincode"),
        (3, "date_of_birth"),
        (4, "date_of_birth"),
        (6, ""),
    }
    assert body["error_count"] == len(problems)
    assert next(e for e in body["errors"] if e["row"] == 4)["message"].startswith(
        "The customer must be at least 18"
    )
    assert Customer.objects.count() == 2


def test_dry_run_saves_nothing(as_user, officer):
    text = "\n".join([HEADER, *GOOD, BAD[0]])
    response = _upload(as_user(officer), CUSTOMERS_URL, text, dry_run="true")
    assert response.status_code == 200
    body = response.json()
    assert (body["dry_run"], body["records_created"], body["records_valid"]) == (True, 0, 3)
    assert body["error_count"] == 6
    assert body["batch_id"] is None
    assert not Customer.objects.exists()
    assert not ImportBatch.objects.exists()
    assert not AuditEvent.objects.filter(action="lending.customers_imported").exists()


def test_uploading_the_same_file_again_adds_nothing(as_user, officer):
    text = "\n".join([HEADER, *GOOD])
    client = as_user(officer)
    assert _upload(client, CUSTOMERS_URL, text).json()["records_created"] == 3
    again = _upload(client, CUSTOMERS_URL, text).json()
    assert (again["records_created"], again["records_skipped"], again["errors"]) == (0, 3, [])
    assert Customer.objects.count() == 3


def test_duplicates_within_a_file_are_reported(as_user, officer):
    text = "\n".join([HEADER, GOOD[0], GOOD[0], GOOD[1], GOOD[1]])
    body = _upload(as_user(officer), CUSTOMERS_URL, text).json()
    assert body["records_created"] == 2
    assert [(e["row"], e["column"]) for e in body["errors"]] == [
        (3, "customer_code"),
        (5, "phone"),
    ]


def test_oversized_file_is_refused_with_413(as_user, officer, settings):
    settings.IMPORT_MAX_BYTES = 100
    text = "\n".join([HEADER, *GOOD])
    response = _upload(as_user(officer), CUSTOMERS_URL, text)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,email\nA,a@b.co", "Missing columns: phone."),
        ("", "The submitted file is empty"),
        (" , \n", "The file is empty"),
        ("name,phone,name\nA,9876543210,B", "Columns named twice: name."),
    ],
)
def test_file_level_problems_are_400(as_user, officer, content, message):
    response = _upload(as_user(officer), CUSTOMERS_URL, content)
    assert response.status_code == 400
    assert response.json()["errors"]["file"][0].startswith(message)


def test_missing_file_and_non_utf8(as_user, officer):
    client = as_user(officer)
    missing = client.post(CUSTOMERS_URL, {}, format="multipart")
    assert missing.status_code == 400
    assert "file" in missing.json()["errors"]
    latin = csv_file("")
    latin.write("name,phone\nJos\xe9,9876543210".encode("latin-1"))
    latin.seek(0)
    response = client.post(CUSTOMERS_URL, {"file": latin}, format="multipart")
    assert response.status_code == 400


def test_officers_can_be_assigned_from_the_file(as_user, manager, officer, other_officer):
    text = (
        "name,phone,assigned_collection_officer\n"
        f"A,9876543210,{officer.username}\n"
        f"B,9876543211,{officer.pk}\n"
        f"C,9876543212,{other_officer.username}\n"
    )
    body = _upload(as_user(manager), CUSTOMERS_URL, text).json()
    assert body["records_created"] == 2
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(4, "assigned_collection_officer")]
    assert set(Customer.objects.values_list("assigned_collection_officer", flat=True)) == {
        officer.pk
    }


# --- Interactions -------------------------------------------------------------------


@pytest.fixture
def loans(officer, other_officer, make_customer, make_loan):
    return make_loan(make_customer(officer)), make_loan(make_customer(other_officer))


def test_interaction_rows_are_checked_and_saved(as_user, officer, loans, today):
    mine, theirs = loans
    next_day = (today + timedelta(days=2)).isoformat()
    text = "\n".join(
        [
            "loan_id,comment,disposition,next_call_date,interaction_type,promise_amount,promise_date",
            f"{mine.pk},Visited,visited,{next_day},,,",
            f'{mine.pk},"Called, promised",promise_to_pay,{next_day},calling,2500.00,{next_day}',
            f"{theirs.pk},Not mine,visited,,,,",
            f"{mine.pk},,promise_to_pay,,field,,",
            "abc,,shouted,2025-13-01,boat,,",
            f"{mine.pk},,called,,calling,10.00,",
        ]
    )
    response = _upload(as_user(officer), INTERACTIONS_URL, text)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["records_created"] == 2
    assert {(e["row"], e["column"]) for e in body["errors"]} == {
        (4, "loan_id"),
        (5, "promise_amount"),
        (5, "promise_date"),
        (6, "loan_id"),
        (6, "disposition"),
        (6, "next_call_date"),
        (6, "interaction_type"),
        (7, "promise_amount"),
    }
    assert [e["row"] for e in body["errors"]] == sorted(e["row"] for e in body["errors"])
    saved = Interaction.objects.order_by("id")
    assert [(i.interaction_type, i.disposition) for i in saved] == [
        ("field", "visited"),
        ("calling", "promise_to_pay"),
    ]
    assert saved[1].comment == "Called, promised"
    assert str(saved[1].promise_amount) == "2500.00"
    assert all(i.created_by == officer for i in saved)
    mine.refresh_from_db()
    assert mine.next_follow_up_date.isoformat() == next_day
    assert mine.next_follow_up_by == officer
    assert AuditEvent.objects.filter(action="lending.interactions_imported").exists()


def test_interaction_upload_again_dry_run_and_size(as_user, officer, loans, settings):
    mine, _ = loans
    text = f"loan_id,comment,disposition\n{mine.pk},First visit,visited\n{mine.pk},Call,called\n"
    client = as_user(officer)
    dry = _upload(client, INTERACTIONS_URL, text, dry_run="1").json()
    assert (dry["records_valid"], dry["records_created"]) == (2, 0)
    assert not Interaction.objects.exists()
    assert _upload(client, INTERACTIONS_URL, text).json()["records_created"] == 2
    again = _upload(client, INTERACTIONS_URL, text).json()
    assert (again["records_created"], again["records_skipped"]) == (0, 2)
    assert Interaction.objects.count() == 2
    settings.IMPORT_MAX_BYTES = 10
    assert _upload(client, INTERACTIONS_URL, text).status_code == 413


def test_identical_rows_need_a_timestamp_to_differ(as_user, officer, loans):
    mine, _ = loans
    text = (
        "loan_id,disposition,timestamp\n"
        f"{mine.pk},not_reachable,\n"
        f"{mine.pk},not_reachable,\n"
        f"{mine.pk},not_reachable,2025-03-09T10:30:00Z\n"
        f"{mine.pk},not_reachable,2999-01-01T00:00:00Z\n"
    )
    body = _upload(as_user(officer), INTERACTIONS_URL, text).json()
    assert body["records_created"] == 2
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, ""), (5, "timestamp")]
    assert Interaction.objects.filter(timestamp__year=2025).count() == 1


def test_text_with_copy_control_characters_is_stored_exactly(as_user, officer):
    text = (
        "name,phone,address_line_1,city\n"
        '"Back\\slash \\N",9876543210,"Line one\nLine two",City\tTab\n'
        '"Plain",9876543211,"",\\N\n'
    )
    body = _upload(as_user(officer), CUSTOMERS_URL, text).json()
    assert body["records_created"] == 2, body
    first = Customer.objects.get(phone="+919876543210")
    assert first.name == "Back\\slash \\N"
    assert first.address_line_1 == "Line one\nLine two"
    assert first.city == "City\tTab"
    assert Customer.objects.get(phone="+919876543211").city == "\\N"
