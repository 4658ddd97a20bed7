"""The API request log keeps every row it accepted, on its own connection, as valid JSON."""

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from audit import requestlog
from audit.models import ApiRequestLog
from tests.factories import DEFAULT_PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]
# Tests that watch the writer use the real thing: its own alias, committing
# beside the test's connection, so they need a database that is really written.
on_its_own_connection = pytest.mark.django_db(transaction=True, databases=["default", "requestlog"])


def a_row(**values) -> dict:
    row = {
        "created_at": timezone.now(),
        "method": "GET",
        "path": "/api/v1/thing",
        "query": "",
        "status_code": 200,
        "duration_ms": 1.5,
        "user_id": None,
        "ip": "127.0.0.1",
        "request_id": "req-00000001",
        "user_agent": "tests",
        "request_body": "",
        "response": (b'{"ok": true}', "application/json", 12),
    }
    row.update(values)
    return row


def eventually(check, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


def strict_json(text: str):
    """Parses as PostgreSQL's JSON would: NaN and Infinity are not JSON."""

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def quiet_writer(settings, monkeypatch):
    """A writer whose thread never flushes by itself: the test flushes it."""
    settings.API_LOG_BATCH = 1000
    settings.API_LOG_FLUSH_SECONDS = 3600
    writer = requestlog._Writer()
    monkeypatch.setattr(requestlog, "writer", writer)
    yield writer
    # What is left is written here, inside the test's transaction, before the thread ends.
    writer.flush()
    writer.stop()


@pytest.fixture
def threaded_writer(settings, monkeypatch):
    """The production set-up: buffered rows, written by the thread on the log's alias."""
    settings.API_LOG_DATABASE = "requestlog"
    settings.API_LOG_BATCH = 1000
    settings.API_LOG_FLUSH_SECONDS = 3600
    writer = requestlog._Writer()
    monkeypatch.setattr(requestlog, "writer", writer)
    yield writer
    writer.stop()


# --- 1. One bad value never costs its neighbours -------------------------------


@pytest.mark.django_db
def test_nul_characters_and_lone_surrogates_are_cleaned_not_dropped(api_client):
    api_client.post(
        "/api/v1/no/such/path",
        data='{"note": "before\\u0000after", "half": "pair \\ud800 gone", "n": 1}',
        content_type="application/json",
        HTTP_USER_AGENT="agent\x00with nul",
    )
    api_client.get("/api/v1/nul%00in/path")
    rows = list(ApiRequestLog.objects.order_by("id"))
    assert len(rows) == 2
    for row in rows:
        stored = " ".join(
            [row.path, row.query, row.user_agent, row.request_body, row.response_body]
        )
        assert "\x00" not in stored and "\\u0000" not in stored
    body = strict_json(rows[0].request_body)
    assert body == {"note": "before\ufffdafter", "half": "pair \ufffd gone", "n": 1}
    assert rows[0].user_agent == "agent\ufffdwith nul"
    assert rows[1].path == "/api/v1/nul\ufffdin/path"


@pytest.mark.django_db
def test_every_bad_value_in_a_batch_is_made_storable(quiet_writer):
    rows = [
        a_row(request_id="first"),
        a_row(path="/api/v1/\x00"),
        a_row(user_agent="bad \ud800 agent"),
        a_row(method="X" * 50, path="/api/" + "p" * 900, request_id="r" * 200),
        a_row(ip="not-an-address", user_id=2**80, duration_ms=float("nan")),
        a_row(request_body="text with \x00 inside"),
        a_row(response=(b'{"a": NaN, "b": "\\u0000", "c": 1e999}', "application/json", 34)),
        a_row(request_id="last"),
    ]
    for row in rows:
        quiet_writer.add(row)
    quiet_writer.flush()

    assert ApiRequestLog.objects.count() == len(rows)
    assert quiet_writer.stats()["dropped_unwritable"] == 0
    long = ApiRequestLog.objects.get(method="X" * 10)
    assert len(long.path) == 500 and len(long.request_id) == 64
    odd = ApiRequestLog.objects.get(ip=None)
    assert odd.user_id is None and odd.duration_ms == 0.0
    assert strict_json(ApiRequestLog.objects.get(response_body__contains='"c"').response_body) == {
        "a": "nan",
        "b": "\ufffd",
        "c": "inf",
    }
    assert {"first", "last"} <= set(ApiRequestLog.objects.values_list("request_id", flat=True))


@on_its_own_connection
def test_a_row_the_database_refuses_costs_only_itself(threaded_writer, monkeypatch, caplog):
    # A value the cleaning did not foresee: here the cleaning itself lets a NUL through.
    monkeypatch.setattr(requestlog, "clean_text", lambda value: value)
    threaded_writer.add(a_row(request_id="before"))
    threaded_writer.add(a_row(request_id="broken", path="/api/v1/private-\x00-detail"))
    threaded_writer.add(a_row(request_id="after"))
    with caplog.at_level(logging.WARNING, logger="audit.requestlog"):
        threaded_writer.flush()

    assert set(ApiRequestLog.objects.values_list("request_id", flat=True)) == {"before", "after"}
    assert threaded_writer.stats()["dropped_unwritable"] == 1
    dropped = [r.getMessage() for r in caplog.records if "could not be written" in r.getMessage()]
    assert len(dropped) == 1 and "broken" in dropped[0]
    assert "private" not in caplog.text  # the row's content is never logged


# --- 2. Its own connection, outside the request's transaction ------------------


@on_its_own_connection
@pytest.mark.urls("tests.probe_urls")
def test_a_failed_request_keeps_its_row_when_its_transaction_is_rolled_back(settings):
    settings.API_LOG_DATABASE = "requestlog"
    client = APIClient()

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        UserFactory(username="rolled-back")
        response = client.get("/api/v1/probe/crash")
        assert response.status_code == 500
        raise RolledBack

    row = ApiRequestLog.objects.get(path="/api/v1/probe/crash")
    assert row.status_code == 500
    assert strict_json(row.response_body)["code"] == "server_error"
    assert not User.objects.filter(username="rolled-back").exists()


@on_its_own_connection
def test_the_writer_thread_writes_on_a_connection_of_its_own(threaded_writer, settings):
    settings.API_LOG_BATCH = 1
    client = APIClient()
    with transaction.atomic():
        # The request's transaction is still open while the thread commits its row.
        assert client.get("/api/v1/no/such/path").status_code == 404
        assert eventually(lambda: ApiRequestLog.objects.filter(status_code=404).exists())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            ["api-request-log"],
        )
        assert cursor.fetchone()[0] >= 1
    assert connections["requestlog"].settings_dict["OPTIONS"].get("pool") is None


# --- 3. A bounded buffer, flushed by size, by time and at exit -----------------


@pytest.mark.django_db
def test_the_buffer_is_bounded_and_counts_what_it_drops(quiet_writer, settings, caplog):
    settings.API_LOG_BUFFER_MAX = 5
    started = time.perf_counter()
    for n in range(8):
        quiet_writer.add(a_row(request_id=f"row-{n}"))
    assert time.perf_counter() - started < 1.0  # a full buffer never blocks a request
    assert len(quiet_writer._rows) == 5
    assert quiet_writer.stats() == {
        "buffered": 5,
        "written": 0,
        "dropped_full": 3,
        "dropped_unwritable": 0,
    }
    with caplog.at_level(logging.WARNING, logger="audit.requestlog"):
        quiet_writer.flush()
    # The rows accepted are the ones kept; the newest, refused at the door, are counted.
    assert sorted(ApiRequestLog.objects.values_list("request_id", flat=True)) == [
        f"row-{n}" for n in range(5)
    ]
    assert "Dropped 3 API log rows: the buffer of 5 rows was full" in caplog.text
    quiet_writer.add(a_row(request_id="room-again"))
    assert quiet_writer.stats()["buffered"] == 1


@on_its_own_connection
def test_rows_are_written_after_the_flush_interval(threaded_writer, settings):
    settings.API_LOG_FLUSH_SECONDS = 0.05
    for n in range(3):
        threaded_writer.add(a_row(request_id=f"timed-{n}"))
    assert eventually(lambda: ApiRequestLog.objects.count() == 3)
    assert threaded_writer.stats()["buffered"] == 0


@on_its_own_connection
def test_rows_are_written_as_soon_as_a_batch_is_full(threaded_writer, settings):
    settings.API_LOG_BATCH = 3
    for n in range(2):
        threaded_writer.add(a_row(request_id=f"sized-{n}"))
    time.sleep(0.2)
    assert ApiRequestLog.objects.count() == 0  # not a batch yet, and an hour to go
    threaded_writer.add(a_row(request_id="sized-2"))
    assert eventually(lambda: ApiRequestLog.objects.count() == 3)


@on_its_own_connection
def test_rows_still_buffered_at_exit_are_written():
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    script = (
        "import django; django.setup()\n"
        "from django.utils import timezone\n"
        "from audit.requestlog import writer\n"
        "for n in range(3):\n"
        "    writer.add({'created_at': timezone.now(), 'method': 'GET', 'path': '/api/v1/x',"
        " 'status_code': 200, 'duration_ms': 1.0, 'request_id': f'exit-{n}'})\n"
        "assert writer.stats()['buffered'] == 3\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "API_LOG_BATCH": "1000",
        "API_LOG_FLUSH_SECONDS": "3600",
    }
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=60)
    assert sorted(ApiRequestLog.objects.values_list("request_id", flat=True)) == [
        "exit-0",
        "exit-1",
        "exit-2",
    ]


# --- 4. Redaction replaces values, never the structure --------------------------


@pytest.mark.django_db
def test_a_redacted_request_body_is_valid_json_without_its_secrets(api_client):
    sent = {
        "login_id": "asha",
        "password": "Hunter2-Very-Secret",
        "otp": "482913",
        "otp_sent": True,
        "password_set": False,
        "has_password": True,
        "token_type": "Bearer",
        "code": "771204",
        "profile": {
            "name": "Asha Rao",
            "newPassword": "Another-Secret-99",
            "password_confirm": "Another-Secret-99",
            "pin": "4321",
            "refresh_token": "opaque-refresh-value",
        },
        "devices": [{"api_key": "key-material-123", "label": "phone"}, {"access": "acc-456"}],
        "aadhaar_number": "234567890123",
        "amount": 1250.5,
        "tags": None,
        "note": "sent with Bearer abc.def-123",
        "comment": "pasted eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln here",
        "remark": "id 2345 6789 0123 on file",
    }
    api_client.post("/api/v1/no/such/path", sent, format="json")
    stored = strict_json(ApiRequestLog.objects.get().request_body)

    assert stored["login_id"] == "asha" and stored["profile"]["name"] == "Asha Rao"
    assert stored["otp_sent"] is True and stored["password_set"] is False
    assert stored["has_password"] is True  # a yes or no carries no secret
    assert stored["token_type"] == "Bearer" and stored["amount"] == 1250.5
    assert stored["tags"] is None and stored["devices"][0]["label"] == "phone"
    assert stored["aadhaar_number"] == "XXXXXXXX0123"
    # Tokens and Aadhaar-shaped numbers inside ordinary strings are caught by pattern.
    assert stored["note"] == "sent with Bearer [REDACTED]"
    assert stored["comment"] == "pasted [REDACTED-JWT] here"
    assert stored["remark"] == "id XXXX-XXXX-0123 on file"
    for secret in (
        stored["password"],
        stored["otp"],
        stored["code"],
        stored["profile"]["newPassword"],
        stored["profile"]["password_confirm"],
        stored["profile"]["pin"],
        stored["profile"]["refresh_token"],
        stored["devices"][0]["api_key"],
        stored["devices"][1]["access"],
    ):
        assert secret == "[REDACTED]"
    text = json.dumps(stored)
    for value in ("Hunter2", "482913", "771204", "Another-Secret", "4321", "opaque", "key-mat"):
        assert value not in text


@pytest.mark.django_db
def test_a_reply_that_says_a_code_was_sent_stays_valid_json(api_client):
    UserFactory(email="secure@example.com", mobile="+919812345678", two_factor_enabled=True)
    response = api_client.post(
        "/api/v1/auth/login",
        {"email_or_mobile": "secure@example.com", "password": DEFAULT_PASSWORD},
    )
    assert response.json()["otp_sent"] is True
    row = ApiRequestLog.objects.get(path="/api/v1/auth/login")
    reply = strict_json(row.response_body)
    assert reply["otp_sent"] is True and reply["request_id"] == response.json()["request_id"]
    assert strict_json(row.request_body)["password"] == "[REDACTED]"


@pytest.mark.django_db
def test_error_codes_stay_readable(api_client):
    api_client.post("/api/v1/auth/login", {"email_or_mobile": "a@example.com"}, format="json")
    reply = strict_json(ApiRequestLog.objects.get().response_body)
    assert reply["code"] == "validation_error"


@pytest.mark.django_db
def test_a_long_json_body_is_cut_inside_and_stays_json(api_client):
    sent = {"items": [{"name": f"item {n}", "note": "x" * 300} for n in range(40)], "pin": "9911"}
    api_client.post("/api/v1/no/such/path", sent, format="json")
    row = ApiRequestLog.objects.get()
    assert len(row.request_body) <= requestlog.BODY_LIMIT
    stored = strict_json(row.request_body)
    assert stored["pin"] == "[REDACTED]" and stored["items"][0]["name"] == "item 0"


@pytest.mark.django_db
def test_a_long_odd_json_body_stays_json(api_client):
    nested = "1"
    for _ in range(200):
        nested = f'{{"down": {nested}}}'
    items = ", ".join(f'{{"n": NaN, "s": "\\u0000{"y" * 200}"}}' for _ in range(30))
    raw = f'{{"deep": {nested}, "items": [{items}], "token": "t-123"}}'
    api_client.post("/api/v1/no/such/path", data=raw, content_type="application/json")
    row = ApiRequestLog.objects.get()
    stored = strict_json(row.request_body)
    assert stored["token"] == "[REDACTED]" and stored["items"][0]["n"] == "nan"
    assert "\x00" not in row.request_body and len(row.request_body) <= requestlog.BODY_LIMIT


@pytest.mark.django_db
def test_bodies_that_are_not_json_are_kept_as_text_or_by_size(api_client):
    api_client.post(
        "/api/v1/no/such/path", data="{not json, password=hunter2", content_type="application/json"
    )
    api_client.post("/api/v1/no/such/path", data="a" * 6000, content_type="text/plain")
    api_client.post("/api/v1/no/such/path", data=b"\x89PNG" * 10, content_type="image/png")
    broken, text, image = ApiRequestLog.objects.order_by("id")
    assert broken.request_body == "{not json, password=[REDACTED]"
    assert text.request_body == "a" * requestlog.BODY_LIMIT + "…[truncated]"
    assert image.request_body == "<40 bytes of image/png>"


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("password", True),
        ("new_password", True),
        ("confirmPassword", True),
        ("password_confirm", True),
        ("password2", True),
        ("otp", True),
        ("otp_code", True),
        ("refresh", True),
        ("accessToken", True),
        ("api_key", True),
        ("client_secret", True),
        ("razorpay_signature", True),
        ("otp_sent", False),
        ("otp_expires_in", False),
        ("token_type", False),
        ("password_changed_at", False),
        ("idempotency_key", False),
        ("name", False),
    ],
)
def test_which_keys_name_a_secret(key, secret):
    assert requestlog._is_secret_key(requestlog._key_words(key)) is secret
