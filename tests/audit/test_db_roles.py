"""The service's database role (deploy/db_roles.sql): it adds to the audit trail and
the ledgers but cannot rewrite them, and it cannot change the schema or its triggers.

Every check connects to the test database as the app role itself. Roles belong
to the whole cluster, so the script must cope with roles made by an earlier run.
"""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import errors

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "db_roles.sql"
OWNER, APP = "platform_owner", "platform_app"

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles are PostgreSQL's"
)


def server() -> dict:
    conf = connection.settings_dict
    return {"host": conf["HOST"] or None, "port": conf["PORT"] or None, "password": None}


def superuser_params(dbname: str) -> dict:
    conf = connection.settings_dict
    return {**server(), "dbname": dbname, "user": conf["USER"], "password": conf["PASSWORD"]}


def apply_roles(dbname: str) -> None:
    conf = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": conf["PASSWORD"] or ""}
    command = ["psql", "-X", "-q", "-f", str(SCRIPT), "--dbname", dbname]
    for flag, value in (("--host", conf["HOST"]), ("--port", conf["PORT"])):
        if value:
            command += [flag, str(value)]
    if conf["USER"]:
        command += ["--username", conf["USER"]]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@contextmanager
def connect_as(user: str, dbname: str | None = None, *, autocommit: bool = False):
    """A connection as `user`; what it did is rolled back, unless it ran in autocommit."""
    params = {**server(), "dbname": dbname or connection.settings_dict["NAME"], "user": user}
    conn = psycopg.connect(**params, autocommit=autocommit)
    try:
        yield conn
    finally:
        conn.rollback()
        conn.close()


@pytest.fixture(scope="module")
def roles(django_db_setup) -> str:
    """The test database with its roles set up; between tests, so no transaction waits."""
    dbname = connection.settings_dict["NAME"]
    apply_roles(dbname)
    apply_roles(dbname)  # a second run, as after every migrate, must change nothing
    return dbname


def insert_event(conn, action: str = "roles.probe") -> int:
    return conn.execute(
        "INSERT INTO audit_auditevent (created_at, actor_label, action, target_type, target_id,"
        " description, user_agent, request_id, prev_hash)"
        " VALUES (now(), '', %s, '', '', 'as the app', '', '', '') RETURNING id",
        [action],
    ).fetchone()[0]


# The statement `audit.services.audit_seal` runs.
SEAL = (
    "UPDATE audit_auditevent SET sequence = %s, prev_hash = %s, hash = %s "
    "WHERE id = %s AND hash IS NULL"
)


def refused(conn, sql: str, params=None) -> str:
    """The statement fails for lack of privilege; returns PostgreSQL's message."""
    with pytest.raises(errors.InsufficientPrivilege) as caught, conn.transaction():
        conn.execute(sql, params)
    return str(caught.value)


def test_app_adds_reads_and_seals_audit_events(roles):
    with connect_as(APP) as conn:
        event_id = insert_event(conn)
        row = conn.execute(
            "SELECT action, hash FROM audit_auditevent WHERE id = %s", [event_id]
        ).fetchone()
        assert row == ("roles.probe", None)
        sealed = conn.execute(SEAL, [10_001, "0" * 64, "a" * 64, event_id]).rowcount
        assert sealed == 1
        assert conn.execute(
            "SELECT sequence, hash FROM audit_auditevent WHERE id = %s", [event_id]
        ).fetchone() == (10_001, "a" * 64)


def test_app_cannot_change_or_remove_an_audit_event(roles):
    with connect_as(APP) as conn:
        event_id = insert_event(conn)
        # Refused by the grants, before the trigger is asked.
        message = refused(
            conn, "UPDATE audit_auditevent SET description = 'rewritten' WHERE id = %s", [event_id]
        )
        assert "permission denied for table audit_auditevent" in message
        # The retention flag opens the trigger, not the grant.
        with pytest.raises(errors.InsufficientPrivilege) as caught, conn.transaction():
            conn.execute("SET LOCAL audit.allow_prune = 'on'")
            conn.execute("DELETE FROM audit_auditevent WHERE id = %s", [event_id])
        assert "permission denied for table audit_auditevent" in str(caught.value)
        # Within the seal columns the trigger is the second guard: a sealed event stays sealed.
        conn.execute(SEAL, [10_002, "0" * 64, "b" * 64, event_id])
        message = refused(
            conn, "UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["c" * 64, event_id]
        )
        assert "append-only" in message
        assert conn.execute(
            "SELECT description, hash FROM audit_auditevent WHERE id = %s", [event_id]
        ).fetchone() == ("as the app", "b" * 64)


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL", "must be owner"),
        ("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only", "must be owner"),
        ("DROP TRIGGER audit_event_append_only ON audit_auditevent", "must be owner"),
        (
            "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger"
            " LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
            "permission denied for schema public",
        ),
        ("SET session_replication_role = replica", "permission denied"),
        ("DROP TABLE audit_auditevent", "must be owner"),
        ("DROP TABLE auth_group CASCADE", "must be owner"),
        ("ALTER TABLE auth_group ADD COLUMN intruder integer", "must be owner"),
        ("TRUNCATE audit_auditevent", "permission denied"),
        ("TRUNCATE auth_group CASCADE", "permission denied"),
        ("CREATE TABLE public.intruder (id integer)", "permission denied for schema public"),
        ("CREATE TABLE intruder (id integer)", "permission denied for schema public"),
        ("UPDATE recharge_ledgerentry SET description = '' WHERE false", "permission denied"),
        ("DELETE FROM recharge_ledgerentry WHERE false", "permission denied"),
        ("UPDATE audit_apirequestlog SET request_body = '' WHERE false", "permission denied"),
        ("DELETE FROM audit_apirequestlog WHERE false", "permission denied"),
        (
            "INSERT INTO audit_auditchainanchor (sequence, hash, pruned_count, created_at)"
            " VALUES (1, 'x', 1, now())",
            "permission denied",
        ),
        ("DELETE FROM django_migrations WHERE false", "permission denied"),
    ],
)
def test_app_cannot_touch_the_schema_triggers_or_append_only_rows(roles, sql, reason):
    with connect_as(APP) as conn:
        assert reason in refused(conn, sql)


def test_app_writes_ordinary_rows_and_what_the_app_does_to_the_logs(roles):
    with connect_as(APP) as conn:
        group_id = conn.execute(
            "INSERT INTO auth_group (name) VALUES ('roles-probe') RETURNING id"
        ).fetchone()[0]
        conn.execute("UPDATE auth_group SET name = 'roles-probe-2' WHERE id = %s", [group_id])
        assert conn.execute("DELETE FROM auth_group WHERE id = %s", [group_id]).rowcount == 1
        log_id = conn.execute(
            "INSERT INTO audit_apirequestlog (created_at, method, path, query, status_code,"
            " duration_ms, user_id, request_id, user_agent, request_body, response_body)"
            " VALUES (now(), 'GET', '/healthz', '', 200, 1.0, 42, '', '', '', '') RETURNING id"
        ).fetchone()[0]
        # Deleting a user clears its id from the log (SET_NULL).
        conn.execute("UPDATE audit_apirequestlog SET user_id = NULL WHERE user_id = 42")
        assert conn.execute(
            "SELECT user_id FROM audit_apirequestlog WHERE id = %s", [log_id]
        ).fetchone() == (None,)


def test_app_owns_nothing_and_is_only_a_login(roles):
    with connect_as(APP) as conn:
        attributes = conn.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls,"
            " rolcanlogin FROM pg_roles WHERE rolname = %s",
            [APP],
        ).fetchone()
        assert attributes == (False, False, False, False, False, True)
        owners = conn.execute(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class"
            " WHERE relnamespace = 'public'::regnamespace"
            " UNION SELECT DISTINCT pg_get_userbyid(proowner) FROM pg_proc"
            " WHERE pronamespace = 'public'::regnamespace"
        ).fetchall()
        assert owners == [(OWNER,)]
        memberships = conn.execute(
            "SELECT count(*) FROM pg_auth_members WHERE member = %s::regrole", [APP]
        ).fetchone()[0]
        assert memberships == 0
        # Nor can it act with the owner's privileges.
        assert not conn.execute("SELECT pg_has_role(%s, %s, 'USAGE')", [APP, OWNER]).fetchone()[0]


def test_tables_of_later_migrations_get_the_ordinary_grants(roles):
    with connect_as(OWNER, autocommit=True) as owner:
        owner.execute(
            "CREATE TABLE roles_later (id bigint GENERATED BY DEFAULT AS IDENTITY, v int)"
        )
        try:
            with connect_as(APP) as conn:
                conn.execute("INSERT INTO roles_later (v) VALUES (1)")
                conn.execute("UPDATE roles_later SET v = 2")
                assert conn.execute("SELECT v FROM roles_later").fetchall() == [(2,)]
                assert conn.execute("DELETE FROM roles_later").rowcount == 1
                assert "must be owner" in refused(conn, "DROP TABLE roles_later")
        finally:
            owner.execute("DROP TABLE roles_later")


def test_the_script_runs_on_an_empty_database_before_migrate(roles):
    dbname = f"{roles}_empty"
    with psycopg.connect(**superuser_params("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        admin.execute(f'CREATE DATABASE "{dbname}"')
        try:
            apply_roles(dbname)
            apply_roles(dbname)
            with connect_as(OWNER, dbname, autocommit=True) as owner:
                owner.execute("CREATE TABLE first_table (id serial PRIMARY KEY, v int)")
            with connect_as(APP, dbname) as conn:
                conn.execute("INSERT INTO first_table (v) VALUES (1)")
                assert conn.execute("SELECT count(*) FROM first_table").fetchone() == (1,)
                assert "permission denied for schema public" in refused(
                    conn, "CREATE TABLE second_table (id integer)"
                )
        finally:
            admin.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')


def test_the_script_takes_over_a_database_set_up_the_old_way(roles):
    """Migrated by a superuser, a table left to the app, CREATE for everyone (before PG 15)."""
    dbname = f"{roles}_old"
    with psycopg.connect(**superuser_params("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        admin.execute(f'CREATE DATABASE "{dbname}"')
        try:
            with psycopg.connect(**superuser_params(dbname), autocommit=True) as old:
                old.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
                old.execute("CREATE TABLE migrated (id serial PRIMARY KEY)")
                old.execute(
                    "CREATE FUNCTION migrated_guard() RETURNS int LANGUAGE sql AS 'SELECT 1'"
                )
                old.execute("CREATE TABLE stray (id integer)")
                old.execute(f"ALTER TABLE stray OWNER TO {APP}")
                old.execute("CREATE TYPE stray_kind AS ENUM ('a')")
                old.execute(f"ALTER TYPE stray_kind OWNER TO {APP}")
            apply_roles(dbname)
            with connect_as(APP, dbname) as conn:
                owners = conn.execute(
                    "SELECT relname, pg_get_userbyid(relowner) FROM pg_class"
                    " WHERE relname IN ('migrated', 'migrated_id_seq', 'stray')"
                    " UNION SELECT proname, pg_get_userbyid(proowner) FROM pg_proc"
                    " WHERE proname = 'migrated_guard' ORDER BY 1"
                ).fetchall()
                assert owners == [
                    ("migrated", OWNER),
                    ("migrated_guard", OWNER),
                    ("migrated_id_seq", OWNER),
                    ("stray", OWNER),
                ]
                assert conn.execute(
                    "SELECT pg_get_userbyid(typowner) FROM pg_type WHERE typname = 'stray_kind'"
                ).fetchone() == (OWNER,)
                conn.execute("INSERT INTO migrated DEFAULT VALUES")
                assert "must be owner" in refused(conn, "DROP TABLE stray")
                assert "permission denied for schema public" in refused(
                    conn, "CREATE TABLE intruder (id integer)"
                )
        finally:
            admin.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')


APP_CODE = """
import json
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from audit.chain import verify_chain
from audit.models import ApiRequestLog, AuditEvent
from audit.models_backup import Backup
from audit.services import audit_record, audit_seal
from django.utils import timezone

with transaction.atomic():
    group = Group.objects.create(name="roles-app-code")
    audit_record(action="roles.app_code", target=group)
group.name = "roles-app-code-renamed"
group.save()
audit_seal()
ApiRequestLog.objects.create(
    created_at=timezone.now(), method="GET", path="/healthz", status_code=200, duration_ms=1.0
)
group.delete()
call_command("backup_create", "--label", "as_app")
print(json.dumps({
    "sealed": AuditEvent.objects.filter(action="roles.app_code", hash__isnull=False).count(),
    "unsealed": AuditEvent.objects.filter(hash__isnull=True).count(),
    "chain_ok": verify_chain().ok,
    "backup": Backup.objects.get(label="as_app").status,
    "groups": Group.objects.filter(name__startswith="roles-app-code").count(),
}))
"""


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the subprocess commits; the test's end flushes
def test_the_application_itself_runs_as_the_app_role(roles, tmp_path):
    """The real code paths: an audited write, sealing, the request log, a pg_dump backup."""
    conf = connection.settings_dict
    host = f"{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "CELERY_BROKER_URL"}
    }
    env |= {
        "DATABASE_URL": f"postgres://{APP}@{host}/{roles}",
        "VAR_DIR": str(tmp_path),
        "AUDIT_SEAL_INTERVAL": "0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", APP_CODE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {
        "sealed": 1,
        "unsealed": 0,
        "chain_ok": True,
        "backup": "success",
        "groups": 0,
    }
