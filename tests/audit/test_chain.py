"""The audit trail: captured context, append-only rows, a chain that exposes tampering."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection, transaction

from audit.chain import GENESIS, verify_chain
from audit.models import AuditEvent
from audit.services import audit_record, audit_seal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def record_events(count: int) -> list[AuditEvent]:
    """Events as a committed transaction leaves them: written, then sealed."""
    actor = UserFactory()
    events = [
        audit_record(
            action="test.changed",
            actor=actor,
            target=actor,
            description=f"change {i}",
            before={"value": i},
            after={"value": i + 1, "amount": "699.00"},
        )
        for i in range(count)
    ]
    audit_seal()
    return [AuditEvent.objects.get(pk=event.pk) for event in events]


def tamper(sql: str, params: list) -> None:
    """Change rows behind the application's back, as an attacker with SQL access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A database superuser can switch triggers off; the chain must still tell.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def test_events_are_written_unsealed_and_sealed_after_commit():
    event = audit_record(action="test.pending")
    assert event.sequence is None and event.hash is None
    assert verify_chain().checked == 0  # nothing sealed, nothing to check yet
    assert audit_seal() == 1
    event.refresh_from_db()
    assert event.sequence == 1 and event.prev_hash == GENESIS and len(event.hash) == 64
    assert audit_seal() == 0


def test_a_committed_request_seals_its_events(api_client):
    from tests.factories import DEFAULT_PASSWORD

    UserFactory(username="sealme")
    api_client.post("/api/v1/auth/login", {"username": "sealme", "password": DEFAULT_PASSWORD})
    assert AuditEvent.objects.exists()
    assert not AuditEvent.objects.filter(hash__isnull=True).exists()
    assert verify_chain().ok


def test_events_link_into_a_chain():
    events = record_events(3)
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    report = verify_chain()
    assert report.ok and report.checked == 3


def test_verify_command_passes_on_an_intact_trail(capsys):
    record_events(1)
    audit_record(action="test.unsealed")  # the command seals what is left first
    call_command("audit_verify")
    assert "intact: 2 events" in capsys.readouterr().out


def test_edited_row_is_detected():
    events = record_events(3)
    tamper("UPDATE audit_auditevent SET description = %s WHERE id = %s", ["nothing", events[1].pk])
    report = verify_chain()
    assert not report.ok
    assert report.broken_at == 2
    with pytest.raises(CommandError, match="broken at event #2"):
        call_command("audit_verify")


def test_edited_json_payload_is_detected():
    events = record_events(2)
    tamper(
        "UPDATE audit_auditevent SET after = %s WHERE id = %s",
        ['{"value": 1, "amount": "1.00"}', events[0].pk],
    )
    assert verify_chain().broken_at == 1


def test_removed_row_is_detected():
    events = record_events(3)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = verify_chain()
    assert report.broken_at == 3
    assert "gap" in report.reason


def test_rehashed_row_without_the_key_is_detected():
    """Recomputing a plain SHA-256 is not enough: the chain is keyed."""
    import hashlib

    events = record_events(2)
    forged = hashlib.sha256(b"forged").hexdigest()
    tamper(
        "UPDATE audit_auditevent SET action = %s, hash = %s WHERE id = %s",
        ["test.forged", forged, events[1].pk],
    )
    assert verify_chain().broken_at == 2


def test_application_cannot_update_or_delete_events():
    event = record_events(1)[0]
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="database trigger is PostgreSQL's")
def test_database_refuses_update_and_delete():
    from django.db import InternalError, ProgrammingError

    event = record_events(1)[0]
    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
            connection.cursor().execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.changed"


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="database trigger is PostgreSQL's")
def test_database_allows_only_the_sealing_of_an_event():
    from django.db import InternalError, ProgrammingError

    sealed = record_events(1)[0]
    pending = audit_record(action="test.pending")
    refused = [
        # content of an unsealed event, even while sealing it
        (
            "UPDATE audit_auditevent SET action = 'x', hash = 'f', sequence = 99 WHERE id = %s",
            pending.pk,
        ),
        # a sealed event cannot be sealed again
        ("UPDATE audit_auditevent SET hash = 'f', sequence = 99 WHERE id = %s", sealed.pk),
    ]
    for sql, pk in refused:
        with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
            connection.cursor().execute(sql, [pk])
    assert audit_seal() == 1


def test_secrets_in_before_and_after_are_redacted():
    event = audit_record(
        action="test.secret",
        after={"password": "Sup3r-secret", "nested": {"otp": "123456"}, "email": "a@b.c"},
    )
    audit_seal()
    event.refresh_from_db()
    assert event.after == {
        "password": "[REDACTED]",
        "nested": {"otp": "[REDACTED]"},
        "email": "a@b.c",
    }
    assert verify_chain().ok


@pytest.mark.urls("tests.probe_urls")
def test_event_carries_request_id_ip_and_user_agent(api_client):
    response = api_client.post(
        "/api/v1/probe/audit",
        HTTP_USER_AGENT="probe-agent/1.0",
        HTTP_X_REQUEST_ID="req-0123456789",
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(pk=response.json()["event"])
    assert event.request_id == "req-0123456789" == response["X-Request-ID"]
    assert event.ip == "127.0.0.1"
    assert event.user_agent == "probe-agent/1.0"


@pytest.mark.urls("tests.probe_urls")
def test_forwarded_for_is_ignored_without_trusted_proxies(api_client):
    response = api_client.post("/api/v1/probe/audit", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AuditEvent.objects.get(pk=response.json()["event"]).ip == "127.0.0.1"


@pytest.mark.urls("tests.probe_urls")
def test_forwarded_for_is_used_behind_a_trusted_proxy(api_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    response = api_client.post(
        "/api/v1/probe/audit", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9"
    )
    assert AuditEvent.objects.get(pk=response.json()["event"]).ip == "203.0.113.9"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs concurrent connections")
def test_concurrent_writers_keep_one_unbroken_chain():
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(10):
                with transaction.atomic():
                    audit_record(action="test.concurrent", description=f"{n}-{i}")
                # Each commit seals after itself; concurrent sealers skip when busy.
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    audit_seal()  # what the periodic job does for events a busy sealer left behind
    report = verify_chain()
    assert report.ok and report.checked == 40
    sequences = sorted(AuditEvent.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 41))
