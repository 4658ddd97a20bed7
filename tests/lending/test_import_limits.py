"""An upload over the size or row limit is refused with 413 before its rows are read."""

import io

import pytest

from lending.models import Customer, ImportBatch
from lending.services.imports.limits import rows_count
from tests.lending.conftest import csv_file

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/bulk/upload/"
INTERACTIONS_URL = "/api/v1/interactions/bulk/upload/"


def customers_csv(rows: int, *, newline: str = "\n") -> str:
    lines = ["name,phone", *(f"Customer {i},98765{i:05d}" for i in range(rows))]
    return newline.join(lines) + newline


def _upload(client, text: str, url: str = URL, **data):
    return client.post(url, {"file": csv_file(text), **data}, format="multipart")


def _assert_refused(response, limit_text: str) -> None:
    assert response.status_code == 413, response.content
    body = response.json()
    assert body["code"] == "payload_too_large"
    assert body["status"] == 413
    assert body["message"].startswith("file: ")
    assert limit_text in body["message"]
    assert not Customer.objects.exists()
    assert not ImportBatch.objects.exists()


# --- Bytes ------------------------------------------------------------------------------


def test_a_file_over_the_byte_limit_is_413_naming_the_limit(as_user, officer, settings):
    text = customers_csv(3)
    settings.IMPORT_MAX_BYTES = len(text) - 1
    _assert_refused(_upload(as_user(officer), text), f"limit of {len(text) - 1} bytes")


def test_a_file_of_exactly_the_byte_limit_is_imported(as_user, officer, settings):
    text = customers_csv(3)
    settings.IMPORT_MAX_BYTES = len(text)
    response = _upload(as_user(officer), text)
    assert response.status_code == 201, response.content
    assert response.json()["records_created"] == 3


def test_an_oversized_file_is_refused_as_it_arrives_before_the_form_is_checked(
    as_user, officer, settings
):
    """The upload stops at the limit: the form's other fields are never looked at."""
    text = customers_csv(3)
    settings.IMPORT_MAX_BYTES = len(text) - 1
    response = _upload(as_user(officer), text, dry_run="perhaps")
    _assert_refused(response, f"limit of {len(text) - 1} bytes")


def test_a_body_declared_over_the_limit_is_refused_unread(as_user, officer, settings):
    """The declared length alone decides: this body is not even multipart."""
    settings.IMPORT_MAX_BYTES = 100
    response = as_user(officer).generic(
        "POST", URL, b"x" * (70 * 1024), content_type="multipart/form-data; boundary=zz"
    )
    _assert_refused(response, "limit of 100 bytes")


def test_interaction_uploads_have_the_same_byte_limit(as_user, officer, settings):
    text = "loan_id,disposition\n" + "1,visited\n" * 20
    settings.IMPORT_MAX_BYTES = 50
    response = _upload(as_user(officer), text, INTERACTIONS_URL)
    assert response.status_code == 413
    assert response.json()["message"] == "file: The file is larger than the limit of 50 bytes."


# --- Rows -------------------------------------------------------------------------------


def test_a_file_over_the_row_limit_is_413_naming_the_limit(as_user, officer, settings):
    settings.IMPORT_MAX_ROWS = 3
    _assert_refused(_upload(as_user(officer), customers_csv(4)), "limit of 3 rows")


def test_a_file_of_exactly_the_row_limit_is_imported(as_user, officer, settings):
    settings.IMPORT_MAX_ROWS = 3
    response = _upload(as_user(officer), customers_csv(3))
    assert response.status_code == 201, response.content
    assert response.json()["records_created"] == 3
    assert Customer.objects.count() == 3


def test_rows_are_counted_before_the_csv_is_parsed(as_user, officer, settings):
    """Rows that are not even valid CSV are counted, and refused by their number."""
    settings.IMPORT_MAX_ROWS = 3
    text = 'name,phone\n"a,1\n"b,2\n"c,3\n"d,4\n'
    _assert_refused(_upload(as_user(officer), text), "limit of 3 rows")
    settings.IMPORT_MAX_ROWS = 4
    assert _upload(as_user(officer), text).status_code == 400


def test_carriage_return_line_endings_count_as_rows(as_user, officer, settings):
    settings.IMPORT_MAX_ROWS = 3
    _assert_refused(_upload(as_user(officer), customers_csv(4, newline="\r")), "3 rows")
    _assert_refused(_upload(as_user(officer), customers_csv(4, newline="\r\n")), "3 rows")
    response = _upload(as_user(officer), customers_csv(3, newline="\r"))
    assert response.status_code == 201
    assert response.json()["records_created"] == 3


def test_interaction_uploads_have_the_same_row_limit(as_user, officer, settings):
    settings.IMPORT_MAX_ROWS = 2
    response = _upload(
        as_user(officer), "loan_id,disposition\n1,called\n2,called\n3,called\n", INTERACTIONS_URL
    )
    assert response.status_code == 413
    assert response.json()["message"] == "file: The file has more than the limit of 2 rows."


class _Chunks:
    def __init__(self, *parts: bytes):
        self.parts = parts

    def chunks(self):
        return iter(self.parts)


@pytest.mark.parametrize(
    ("parts", "rows"),
    [
        ((b"",), 0),
        ((b"name,phone",), 0),
        ((b"name,phone\n",), 0),
        ((b"h\na\nb",), 2),
        ((b"h\na\nb\n",), 2),
        ((b"h\r\na\r\nb\r\n",), 2),
        ((b"h\r", b"\na\r", b"\nb"), 2),
        ((b"h\ra\rb\r",), 2),
        ((b"h\n\n\na\n",), 3),
        ((b"h\n", b"", b"a", b"\n"), 1),
    ],
)
def test_rows_count_counts_line_breaks_across_chunks(parts, rows):
    assert rows_count(_Chunks(*parts)) == rows


# --- Django's own limits ----------------------------------------------------------------


def test_files_spooled_to_disk_are_counted_and_imported(as_user, officer, settings):
    """A file past FILE_UPLOAD_MAX_MEMORY_SIZE is written to a temporary file: same rules."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 16
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 16
    client = as_user(officer)
    response = _upload(client, customers_csv(3), dry_run="false")
    assert response.status_code == 201, response.content
    assert response.json()["records_created"] == 3
    settings.IMPORT_MAX_ROWS = 3
    assert _upload(client, customers_csv(4)).status_code == 413
    settings.IMPORT_MAX_BYTES = 40
    response = _upload(client, customers_csv(4))
    assert response.status_code == 413
    assert "limit of 40 bytes" in response.json()["message"]


def test_a_csv_sent_as_a_form_field_over_djangos_limit_is_413_not_500(as_user, officer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    text = customers_csv(20)
    response = as_user(officer).post(URL, {"file": text}, format="multipart")
    assert response.status_code == 413, response.content
    body = response.json()
    assert body["code"] == "payload_too_large"
    assert body["message"].startswith("file: ")
    assert "100 bytes" in body["message"]
    # Under Django's limit the same field is simply not a file.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = as_user(officer).post(URL, {"file": text}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_too_many_form_fields_or_files_are_400_not_500(as_user, officer, settings):
    client = as_user(officer)
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 1
    response = client.post(
        URL, {"file": csv_file(customers_csv(1)), "dry_run": "true", "x": "1"}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    files = [csv_file(customers_csv(1)), io.BytesIO(b"name,phone\n")]
    files[1].name = "second.csv"
    response = client.post(URL, {"file": files}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
