"""Backups with pg_dump and restores with pg_restore, through the API and the commands."""

import hashlib
import stat
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from accounts.models import StaffType, User
from audit.backups import postgres
from audit.chain import verify_chain
from audit.models import AuditEvent
from audit.models_backup import (
    Backup,
    BackupKind,
    BackupRestore,
    BackupStatus,
    RestoreStatus,
)
from tests.factories import DEFAULT_PASSWORD, UserFactory

BASE = "/api/v1/backup/backup"
ROUTES = [
    ("post", f"{BASE}/create"),
    ("get", f"{BASE}/"),
    ("get", BASE),
    ("delete", f"{BASE}/1"),
    ("post", f"{BASE}/1/restore"),
]
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="backups need PostgreSQL (pg_dump, pg_restore)"
)


@pytest.fixture(autouse=True)
def _backup_dir(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"


def staff_with(*codenames: str) -> User:
    user = UserFactory(user_type=StaffType.ADMIN, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="audit", codename__in=codenames)
    )
    return User.objects.get(pk=user.pk)


def superuser() -> User:
    return UserFactory(is_superuser=True, is_staff=True, user_type=StaffType.SUPER_ADMIN)


def completed_backup(**fields) -> Backup:
    """A row as a finished dump leaves it, without running pg_dump."""
    name = fields.pop("name", f"backup_{Backup.objects.count()}.dump")
    return Backup.objects.create(
        name=name,
        database=postgres.database_name(),
        file_path=fields.pop("file_path", f"/nonexistent/{name}"),
        status=BackupStatus.COMPLETED,
        size_bytes=1234,
        checksum_sha256="0" * 64,
        completed_at=timezone.now(),
        **fields,
    )


# --- who may call ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_anonymous_is_refused(api_client, method, url):
    response = getattr(api_client, method)(url, {}, format="json")
    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_a_normal_user_is_refused(api_client, method, url):
    api_client.force_authenticate(UserFactory())
    response = getattr(api_client, method)(url, {"password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_without_postgresql_every_route_says_so(api_client, monkeypatch, method, url):
    if connection.vendor == "postgresql":
        monkeypatch.setattr(postgres, "is_postgresql", lambda alias="default": False)
    api_client.force_authenticate(superuser())

    response = getattr(api_client, method)(url, {"password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "backup_requires_postgresql"
    assert "PostgreSQL" in body["message"]
    assert not Backup.objects.exists()


@on_postgresql
@pytest.mark.django_db
def test_restore_needs_a_superuser_even_with_the_permission(api_client):
    backup = completed_backup()
    api_client.force_authenticate(staff_with("restore_backup", "view_backup"))

    response = api_client.post(f"{BASE}/{backup.pk}/restore", {"password": DEFAULT_PASSWORD})

    assert response.status_code == 403
    assert response.json()["code"] == "superuser_required"
    assert not BackupRestore.objects.exists()


@on_postgresql
@pytest.mark.django_db
def test_restore_with_a_wrong_password_is_refused(api_client):
    backup = completed_backup()
    api_client.force_authenticate(superuser())

    response = api_client.post(f"{BASE}/{backup.pk}/restore", {"password": "not-my-password"})

    assert response.status_code == 403
    assert response.json()["code"] == "invalid_password"
    assert not BackupRestore.objects.exists()
    missing = api_client.post(f"{BASE}/{backup.pk}/restore", {})
    assert missing.status_code == 400
    assert "password" in missing.json()["errors"]


@on_postgresql
@pytest.mark.django_db
def test_restore_only_into_this_database_and_only_a_usable_backup(api_client):
    api_client.force_authenticate(superuser())
    backup = completed_backup()

    other = api_client.post(
        f"{BASE}/{backup.pk}/restore", {"password": DEFAULT_PASSWORD, "target_db": "postgres"}
    )
    assert other.status_code == 422
    assert other.json()["code"] == "restore_target_not_allowed"

    no_file = api_client.post(f"{BASE}/{backup.pk}/restore", {"password": DEFAULT_PASSWORD})
    assert no_file.status_code == 409
    assert no_file.json()["code"] == "backup_file_missing"

    failed = Backup.objects.create(
        name="failed.dump", database=backup.database, file_path="/x", status=BackupStatus.FAILED
    )
    not_done = api_client.post(f"{BASE}/{failed.pk}/restore", {"password": DEFAULT_PASSWORD})
    assert not_done.json()["code"] == "backup_not_completed"

    assert (
        api_client.post(f"{BASE}/999999/restore", {"password": DEFAULT_PASSWORD}).status_code == 404
    )
    assert not BackupRestore.objects.exists()


# --- create, list, delete ------------------------------------------------------------------


@on_postgresql
@pytest.mark.django_db
def test_create_dumps_the_database_and_records_the_file(api_client, settings):
    creator = staff_with("add_backup")
    api_client.force_authenticate(creator)
    tables = [
        {
            "table_name": "Users",
            "date_column": "created_at",
            "start_date": "2025-11-01",
            "end_date": "2025-11-10",
        }
    ]

    response = api_client.post(
        f"{BASE}/create",
        {"backup_data": "daily_snapshot", "description": "Nightly backup", "tables": tables},
    )

    assert response.status_code == 201, response.content
    # The dump runs after commit (here: after the reply); the list shows how it ended.
    backup_id = response.json()["backup_id"]
    listed = api_client.get(f"{BASE}/")
    assert listed.status_code == 403  # listing needs its own permission
    api_client.force_authenticate(superuser())
    body = api_client.get(f"{BASE}/").json()[0]
    backup = Backup.objects.get(pk=backup_id)
    path = Path(backup.file_path)
    assert backup.status == BackupStatus.COMPLETED, backup.error
    assert body["backup_id"] == backup_id and body["backup_status"] == "success"
    assert body["snapshot_name"] == backup.name and body["storage_url"] == str(path)
    assert body["backup_data"] == "daily_snapshot" and body["description"] == "Nightly backup"
    assert path.parent == settings.BACKUP_DIR
    assert path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert backup.size_bytes == path.stat().st_size
    assert body["size_bytes"] == backup.size_bytes
    assert backup.checksum_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert body["checksum"] == backup.checksum_sha256
    assert backup.creator_id == creator.pk and body["created_by"] == creator.pk
    assert body["tables"] == tables and body["details"] == tables
    assert backup.kind == BackupKind.MANUAL and body["completed_at"]
    assert AuditEvent.objects.filter(
        action="audit.backup_requested", target_id=str(backup.pk), actor=creator
    ).exists()


@pytest.mark.django_db
def test_create_validates_the_date_filters(api_client, monkeypatch):
    monkeypatch.setattr(postgres, "is_postgresql", lambda alias="default": True)
    api_client.force_authenticate(superuser())
    response = api_client.post(
        f"{BASE}/create",
        {"tables": [{"table_name": "Users", "start_date": "2025-11-10", "end_date": "2025-11-01"}]},
    )
    assert response.status_code == 400
    assert "end_date" in str(response.json()["errors"])
    assert not Backup.objects.exists()


@on_postgresql
@pytest.mark.django_db
def test_a_failed_dump_is_recorded_and_leaves_no_file(api_client, settings):
    settings.PG_DUMP_PATH = "/nonexistent/pg_dump"
    api_client.force_authenticate(superuser())

    response = api_client.post(f"{BASE}/create", {})

    assert response.status_code == 201
    backup = Backup.objects.get(pk=response.json()["backup_id"])
    assert backup.status == BackupStatus.FAILED
    assert "not installed" in backup.error
    assert not Path(backup.file_path).exists()


@on_postgresql
@pytest.mark.django_db
def test_the_password_goes_by_environment_never_on_the_command_line(monkeypatch, tmp_path):
    calls = []

    class Done:
        returncode, stderr = 0, b""

    def fake_run(command, **kwargs):
        calls.append((command, kwargs["env"]))
        return Done()

    monkeypatch.setattr(postgres.subprocess, "run", fake_run)
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "s3cret-Pa55")

    postgres.dump(tmp_path / "x.dump")
    postgres.restore(tmp_path / "x.dump")

    assert len(calls) == 2
    for command, env in calls:
        assert not any("s3cret-Pa55" in part for part in command)
        assert env["PGPASSWORD"] == "s3cret-Pa55"
    dump_command, restore_command = calls[0][0], calls[1][0]
    assert "--format=custom" in dump_command
    assert f"--exclude-table={Backup._meta.db_table}" in dump_command
    assert f"--dbname={connection.settings_dict['NAME']}" in dump_command
    for flag in ("--clean", "--if-exists", "--no-owner", "--single-transaction"):
        assert flag in restore_command


@on_postgresql
@pytest.mark.django_db
def test_list_is_a_bare_array_paged_newest_first_in_fixed_queries(
    api_client, django_assert_max_num_queries
):
    for _ in range(7):
        completed_backup()
    api_client.force_authenticate(staff_with("view_backup"))

    with django_assert_max_num_queries(6):
        response = api_client.get(f"{BASE}/", {"skip": 1, "limit": 5})

    assert response.status_code == 200
    body = response.json()
    every = api_client.get(f"{BASE}/").json()
    assert len(every) == 7 and body == every[1:6]
    ids = [int(row["backup_id"]) for row in every]
    assert ids == sorted(ids, reverse=True)
    first = body[0]
    assert first["backup_status"] == "success" and first["size_mb"] == "0.00"
    assert api_client.get(BASE, {"status": "failed"}).json() == []
    assert api_client.get(BASE, {"limit": 101}).status_code == 400


@on_postgresql
@pytest.mark.django_db
def test_delete_removes_the_row_and_the_file_and_is_audited(api_client, tmp_path):
    file = tmp_path / "old.dump"
    file.write_bytes(b"PGDMP...")
    backup = completed_backup(name="old.dump", file_path=str(file))
    actor = staff_with("delete_backup")
    api_client.force_authenticate(actor)

    response = api_client.delete(f"{BASE}/{backup.pk}")

    assert response.status_code == 200 and response.json() == {}
    assert not Backup.objects.filter(pk=backup.pk).exists()
    assert not file.exists()
    event = AuditEvent.objects.get(action="audit.backup_deleted")
    assert event.actor == actor and event.target_id == str(backup.pk)
    assert event.before["name"] == "old.dump"
    assert api_client.delete(f"{BASE}/{backup.pk}").status_code == 404


@on_postgresql
@pytest.mark.django_db
def test_a_backup_being_written_cannot_be_deleted(api_client, tmp_path):
    file = tmp_path / "running.dump"
    file.write_bytes(b"")
    backup = Backup.objects.create(
        name="running.dump", database="x", file_path=str(file), status=BackupStatus.RUNNING
    )
    api_client.force_authenticate(superuser())

    response = api_client.delete(f"{BASE}/{backup.pk}/")

    assert response.status_code == 409
    assert response.json()["code"] == "backup_in_progress"
    assert file.exists() and Backup.objects.filter(pk=backup.pk).exists()


# --- the round trip ----------------------------------------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_brings_back_the_original_rows(api_client):
    admin = superuser()
    kept = UserFactory(username="kept01", first_name="Asha")
    doomed_pk = UserFactory(username="doomed01").pk
    original_count = User.objects.count()
    api_client.force_authenticate(admin)
    created = api_client.post(f"{BASE}/create", {"backup_data": "before_changes"})
    assert created.status_code == 201, created.content
    backup_id = created.json()["backup_id"]
    assert created.json()["backup_status"] == "success"

    # Change, delete and add data after the backup.
    User.objects.filter(pk=kept.pk).update(first_name="Changed")
    User.objects.filter(pk=doomed_pk).delete()
    UserFactory(username="newcomer01")
    assert User.objects.count() == original_count
    assert not User.objects.filter(username="doomed01").exists()

    connections.close_all()  # pg_restore replaces the tables; hold no connection into them
    response = api_client.post(
        f"{BASE}/{backup_id}/restore", {"password": DEFAULT_PASSWORD, "target_db": ""}
    )
    connections.close_all()

    assert response.status_code == 202, response.content
    body = response.json()
    restore = BackupRestore.objects.get(pk=body["restore_id"])
    assert restore.status == RestoreStatus.COMPLETED, restore.error
    assert body["status"] == "completed"
    # The data is as it was at the backup.
    assert User.objects.count() == original_count
    assert User.objects.get(pk=kept.pk).first_name == "Asha"
    assert User.objects.filter(pk=doomed_pk, username="doomed01").exists()
    assert not User.objects.filter(username="newcomer01").exists()
    # The state before the restore was kept first, and the catalogue was not rewound.
    safety = Backup.objects.get(pk=body["safety_backup_id"])
    assert safety.kind == BackupKind.SAFETY and safety.status == BackupStatus.COMPLETED
    assert Path(safety.file_path).is_file()
    assert Backup.objects.get(pk=backup_id).status == BackupStatus.COMPLETED
    # The restored trail records the restore, and its chain still verifies.
    event = AuditEvent.objects.get(action="audit.backup_restored")
    assert event.actor_id == admin.pk and event.after["safety_backup"] == safety.name
    assert verify_chain().ok


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_commands_back_up_and_restore(capsys):
    UserFactory(username="cmd01")
    call_command("backup_create", label="cli")
    backup = Backup.objects.get(label="cli")
    assert backup.status == BackupStatus.COMPLETED and backup.creator is None
    assert f"Backup {backup.pk} completed" in capsys.readouterr().out

    User.objects.filter(username="cmd01").delete()
    connections.close_all()
    call_command("backup_restore", backup.pk, "--noinput")
    connections.close_all()

    assert User.objects.filter(username="cmd01").exists()
    assert BackupRestore.objects.get().status == RestoreStatus.COMPLETED
    with pytest.raises(CommandError, match="No backup"):
        call_command("backup_restore", 999999, "--noinput")


@on_postgresql
@pytest.mark.django_db
def test_a_corrupted_archive_is_not_restored_and_an_abandoned_restore_blocks_nothing(
    api_client, tmp_path
):
    admin = superuser()
    abandoned = BackupRestore.objects.create(
        backup_name="lost.dump", status=RestoreStatus.RUNNING, requested_by=admin
    )
    BackupRestore.objects.filter(pk=abandoned.pk).update(
        requested_at=timezone.now() - timezone.timedelta(days=2)
    )
    file = tmp_path / "tampered.dump"
    file.write_bytes(b"PGDMP not what was written")
    backup = completed_backup(name="tampered.dump", file_path=str(file))
    users_before = User.objects.count()
    api_client.force_authenticate(admin)

    response = api_client.post(f"{BASE}/{backup.pk}/restore", {"password": DEFAULT_PASSWORD})

    assert response.status_code == 202, response.content
    restore = BackupRestore.objects.get(pk=response.json()["restore_id"])
    assert restore.status == RestoreStatus.FAILED
    assert "checksum" in restore.error
    assert restore.safety_backup.status == BackupStatus.COMPLETED  # taken before anything else
    assert User.objects.count() == users_before
    failed = AuditEvent.objects.get(action="audit.backup_restore_failed")
    assert failed.actor == admin and failed.target_id == str(backup.pk)
    abandoned.refresh_from_db()
    assert abandoned.status == RestoreStatus.FAILED and "Abandoned" in abandoned.error
