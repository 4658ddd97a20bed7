"""Backups: every write, one function per use case (restores are in `restores`).

A request records a row and schedules the work after commit; the work itself
(`backup_run`, `restore_run`) runs in a Celery task, or in-process when no
broker is configured, and is safe to deliver twice: it starts only a row that
is still pending.
"""

import logging
import os
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import NotFound

from audit import context as request_context
from audit.backups import postgres
from audit.models_backup import Backup, BackupKind, BackupRestore, BackupStatus, RestoreStatus
from audit.services import audit_record
from config.exceptions import Conflict
from config.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

ACTIVE = (BackupStatus.PENDING, BackupStatus.RUNNING)
RESTORE_ACTIVE = (RestoreStatus.PENDING, RestoreStatus.RUNNING)


class BackupsUnsupported(Conflict):
    default_code = "backup_requires_postgresql"
    default_detail = (
        "Backups and restores need PostgreSQL (pg_dump and pg_restore); "
        "this server runs on another database."
    )


def ensure_supported() -> None:
    if not postgres.is_postgresql():
        raise BackupsUnsupported()


def backup_dir() -> Path:
    return Path(getattr(settings, "BACKUP_DIR", None) or Path(settings.VAR_DIR) / "backups")


def _snapshot(backup: Backup) -> dict:
    return {
        "name": backup.name,
        "kind": backup.kind,
        "status": backup.status,
        "size_bytes": backup.size_bytes,
        "checksum_sha256": backup.checksum_sha256,
        "tables": backup.tables,
    }


def current_context() -> dict:
    return asdict(request_context.current())


def new_backup(*, kind: str, creator, label: str, description: str, tables: list) -> Backup:
    """A pending row with a fresh file name in the backup directory."""
    stamp = timezone.now().strftime("%Y%m%d_%H%M%S_%f")
    name = f"backup_{stamp}.dump" if kind == BackupKind.MANUAL else f"safety_{stamp}.dump"
    return Backup.objects.create(
        name=name,
        label=label,
        description=description,
        kind=kind,
        database=postgres.database_name(),
        file_path=str(backup_dir() / name),
        creator=creator,
        tables=tables,
    )


def backup_create(
    *,
    creator,
    label: str = "",
    description: str = "",
    tables: list | None = None,
    background: bool = True,
) -> Backup:
    """Record a backup and start `pg_dump` in the background once the row is committed.

    With `background=False` the caller runs `backup_run` itself (the management command).
    """
    ensure_supported()
    with transaction.atomic():
        backup = new_backup(
            kind=BackupKind.MANUAL,
            creator=creator,
            label=label,
            description=description,
            tables=tables or [],
        )
        audit_record(
            action="audit.backup_requested", actor=creator, target=backup, after=_snapshot(backup)
        )
        if background:
            enqueue_on_commit("audit.tasks.backup_run_task", backup.pk)
    return backup


# Told the name of each step of a long job as it begins, so a caller can show progress.
StepCallback = Callable[[str], None]


def no_step(name: str) -> None:
    pass


def backup_run(*, backup_id: int, on_step: StepCallback = no_step) -> Backup:
    """Dump the database into the backup's file; the row ends completed or failed."""
    claimed = Backup.objects.filter(pk=backup_id, status=BackupStatus.PENDING).update(
        status=BackupStatus.RUNNING, started_at=timezone.now()
    )
    backup = Backup.objects.get(pk=backup_id)
    if not claimed:
        return backup  # already run, or running elsewhere
    path, created = Path(backup.file_path), False
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # The archive holds every table, password hashes included: owner-only from the start.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        created = True
        on_step("dump")
        postgres.dump(path)
        on_step("checksum")
        size, checksum = path.stat().st_size, postgres.sha256_of(path)
    except (postgres.ToolError, OSError) as exc:
        if created:
            path.unlink(missing_ok=True)
        message = str(exc) if isinstance(exc, postgres.ToolError) else f"File error: {exc.strerror}"
        logger.warning("Backup %s failed", backup.pk)
        Backup.objects.filter(pk=backup.pk).update(
            status=BackupStatus.FAILED, error=message[: postgres.ERROR_LIMIT]
        )
    else:
        Backup.objects.filter(pk=backup.pk).update(
            status=BackupStatus.COMPLETED,
            size_bytes=size,
            checksum_sha256=checksum,
            completed_at=timezone.now(),
        )
        logger.info("Backup %s completed (%s bytes)", backup.pk, size)
    backup.refresh_from_db()
    return backup


def _stale_window():
    """Longer than any dump plus restore may take: an active row older than this was
    abandoned (its worker died), and must not block others forever."""
    return timedelta(seconds=3 * getattr(settings, "BACKUP_TIMEOUT_SECONDS", 3600) + 600)


def expire_abandoned() -> None:
    cutoff = timezone.now() - _stale_window()
    message = "Abandoned: no worker finished it in time."
    Backup.objects.filter(status__in=ACTIVE, created_at__lt=cutoff).update(
        status=BackupStatus.FAILED, error=message
    )
    BackupRestore.objects.filter(status__in=RESTORE_ACTIVE, requested_at__lt=cutoff).update(
        status=RestoreStatus.FAILED, error=message, completed_at=timezone.now()
    )


def backup_delete(*, backup: Backup, actor) -> None:
    """Remove a backup's row and its file; one that is still being written or restored stays."""
    ensure_supported()
    expire_abandoned()
    with transaction.atomic():
        locked = Backup.objects.select_for_update().filter(pk=backup.pk).first()
        if locked is None:
            raise NotFound()
        if locked.status in ACTIVE:
            raise Conflict("The backup is still being written.", code="backup_in_progress")
        if BackupRestore.objects.filter(backup=locked, status__in=RESTORE_ACTIVE).exists():
            raise Conflict("The backup is being restored.", code="restore_in_progress")
        audit_record(
            action="audit.backup_deleted", actor=actor, target=locked, before=_snapshot(locked)
        )
        locked.delete()
        # Inside the transaction: if the file cannot go, the row stays too.
        Path(locked.file_path).unlink(missing_ok=True)
