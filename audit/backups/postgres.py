"""Running `pg_dump` and `pg_restore` against the project's own database.

Connection parameters come from the database settings. The password travels
in the child's environment (PGPASSWORD), never on its command line, so it shows
in no process list and no log line.
"""

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

from audit.models_backup import Backup, BackupRestore

# Tables that describe the backups themselves: a restore must not rewind them.
EXCLUDED_MODELS = (Backup, BackupRestore)
ERROR_LIMIT = 2000
_CHUNK = 1024 * 1024
# libpq settings that may appear in the database OPTIONS, and their variables.
_LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslpassword": "PGSSLPASSWORD",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


class ToolError(Exception):
    """`pg_dump` or `pg_restore` could not run or ended in error; the message is safe to store."""


@dataclass(frozen=True)
class Target:
    database: str
    args: list[str]
    env: dict[str, str]


def is_postgresql(alias: str = "default") -> bool:
    return connections[alias].vendor == "postgresql"


def database_name(alias: str = "default") -> str:
    return str(connections[alias].settings_dict["NAME"])


def target(alias: str = "default") -> Target:
    """Where the tools connect: the live settings of the connection (a test run's
    database included)."""
    conf = connections[alias].settings_dict
    args = []
    if conf.get("HOST"):
        args.append(f"--host={conf['HOST']}")
    if conf.get("PORT"):
        args.append(f"--port={conf['PORT']}")
    if conf.get("USER"):
        args.append(f"--username={conf['USER']}")
    env = {k: v for k, v in os.environ.items() if k not in ("PGPASSWORD", "PGOPTIONS")}
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    for option, variable in _LIBPQ_ENV.items():
        value = (conf.get("OPTIONS") or {}).get(option)
        if value:
            env[variable] = str(value)
    env["PGCONNECT_TIMEOUT"] = str(getattr(settings, "BACKUP_CONNECT_TIMEOUT", 10))
    env["PGAPPNAME"] = "platform-backup"
    return Target(database=str(conf["NAME"]), args=args, env=env)


def _binary(name: str) -> str:
    configured = getattr(settings, f"{name.upper()}_PATH", "")
    found = configured or shutil.which(name) or (f"/usr/bin/{name}")
    if not Path(found).exists():
        raise ToolError(f"{name} is not installed on this server.")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    timeout = getattr(settings, "BACKUP_TIMEOUT_SECONDS", 3600)
    try:
        # An argument list and no shell: nothing in it is interpreted.
        result = subprocess.run(  # noqa: S603
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ToolError(f"{Path(command[0]).name} did not finish within {timeout} s.") from None
    except OSError as exc:
        raise ToolError(f"{Path(command[0]).name} could not start: {exc.strerror}.") from None
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()[-ERROR_LIMIT:]
        raise ToolError(
            f"{Path(command[0]).name} ended with code {result.returncode}: {detail}".strip()
        )


def dump(path: Path, alias: str = "default") -> None:
    """Write the whole database, less the backup catalogue, as a custom-format archive."""
    where = target(alias)
    command = [
        _binary("pg_dump"),
        "--format=custom",
        "--no-password",
        *where.args,
        f"--file={path}",
        *(f"--exclude-table={model._meta.db_table}" for model in EXCLUDED_MODELS),
        f"--dbname={where.database}",
    ]
    _run(command, where.env)


def restore(path: Path, alias: str = "default") -> None:
    """Replace the database's objects with the archive's, all or nothing.

    One transaction: if anything fails, the database is as it was. A lock
    timeout keeps a long-running transaction elsewhere from stalling it forever.
    """
    where = target(alias)
    lock_timeout = getattr(settings, "BACKUP_RESTORE_LOCK_TIMEOUT_MS", 60_000)
    env = {**where.env, "PGOPTIONS": f"-c lock_timeout={int(lock_timeout)}"}
    command = [
        _binary("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        *where.args,
        f"--dbname={where.database}",
        str(path),
    ]
    _run(command, env)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
