"""Restores: replacing the database with a backup, after a safety backup of its state."""

import logging
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.exceptions import NotFound, PermissionDenied

from audit import context as request_context
from audit.backups import postgres
from audit.backups.services import (
    RESTORE_ACTIVE,
    StepCallback,
    backup_run,
    current_context,
    ensure_supported,
    expire_abandoned,
    new_backup,
    no_step,
)
from audit.models_backup import Backup, BackupKind, BackupRestore, BackupStatus, RestoreStatus
from audit.services import audit_record
from config.exceptions import Conflict, Unprocessable
from config.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

# Arbitrary constant naming the advisory lock that admits one restore at a time.
_RESTORE_LOCK_ID = 0x52535452  # "RSTR"


def restore_request(*, backup: Backup, user, password: str, target_db: str = "") -> BackupRestore:
    """Schedule a restore of `backup` into this database, for a superuser who confirms
    with their password; a safety backup of the current state is taken first."""
    ensure_supported()
    if not user.is_superuser:
        raise PermissionDenied("Only a superuser may restore a backup.", code="superuser_required")
    if not password or not user.check_password(password):
        raise PermissionDenied("The password is not correct.", code="invalid_password")
    if target_db and target_db != postgres.database_name():
        raise Unprocessable(
            "A backup can be restored only into this server's own database.",
            code="restore_target_not_allowed",
        )
    return restore_create(backup=backup, requested_by=user)


def restore_create(*, backup: Backup, requested_by, background: bool = True) -> BackupRestore:
    """Record a restore of a completed backup; one restore at a time.

    With `background=False` the caller runs `restore_run` itself (the management command).
    """
    ensure_supported()
    expire_abandoned()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_RESTORE_LOCK_ID])
        if BackupRestore.objects.filter(status__in=RESTORE_ACTIVE).exists():
            raise Conflict("Another restore is under way.", code="restore_in_progress")
        backup = Backup.objects.select_for_update().filter(pk=backup.pk).first()
        if backup is None:
            raise NotFound()
        if backup.status != BackupStatus.COMPLETED:
            raise Conflict("Only a completed backup can be restored.", code="backup_not_completed")
        if not Path(backup.file_path).is_file():
            raise Conflict("The backup's file is missing.", code="backup_file_missing")
        if backup.database != postgres.database_name():
            raise Conflict(
                "The backup was taken from another database.", code="backup_other_database"
            )
        restore = BackupRestore.objects.create(
            backup=backup, backup_name=backup.name, requested_by=requested_by
        )
        # Lands in the safety backup; the restored trail gets `audit.backup_restored`.
        audit_record(
            action="audit.backup_restore_requested",
            actor=requested_by,
            target=backup,
            after={"restore_id": restore.pk, "backup": backup.name},
        )
        if background:
            context = current_context()
            enqueue_on_commit("audit.tasks.backup_restore_task", restore.pk, context)
    return restore


def _restore_failed(restore: BackupRestore, message: str, context=None) -> BackupRestore:
    logger.warning("Restore %s failed", restore.pk)
    with transaction.atomic():
        BackupRestore.objects.filter(pk=restore.pk).update(
            status=RestoreStatus.FAILED,
            error=message[: postgres.ERROR_LIMIT],
            completed_at=timezone.now(),
        )
        audit_record(
            action="audit.backup_restore_failed",
            actor=restore.requested_by,
            target_type=Backup._meta.label_lower,
            target_id=restore.backup_id or "",
            # The tools' own words stay on the restore row, out of the permanent trail.
            description="Restore failed; the database was not changed.",
            after={"restore_id": restore.pk, "backup": restore.backup_name},
            context=context,
        )
    restore.refresh_from_db()
    return restore


def restore_run(
    *, restore_id: int, context: dict | None = None, on_step: StepCallback = no_step
) -> BackupRestore:
    """Take the safety backup, check the archive, then replace the database with it.

    The audit event is written after `pg_restore`, so that it survives in the
    restored trail; the request's own event is kept in the safety backup.
    """
    claimed = BackupRestore.objects.filter(pk=restore_id, status=RestoreStatus.PENDING).update(
        status=RestoreStatus.RUNNING, started_at=timezone.now()
    )
    restore = BackupRestore.objects.select_related("backup", "requested_by").get(pk=restore_id)
    if not claimed:
        return restore
    ctx = request_context.RequestContext(**context) if context else None
    backup = restore.backup
    if backup is None or backup.status != BackupStatus.COMPLETED:
        return _restore_failed(restore, "The backup is no longer available.", ctx)

    safety = new_backup(
        kind=BackupKind.SAFETY,
        creator=restore.requested_by,
        label="pre_restore",
        description=f"State of the database before restoring {backup.name}.",
        tables=[],
    )
    BackupRestore.objects.filter(pk=restore.pk).update(safety_backup=safety)
    on_step("safety backup")
    safety = backup_run(backup_id=safety.pk)
    if safety.status != BackupStatus.COMPLETED:
        return _restore_failed(
            restore, f"The safety backup failed, nothing was restored: {safety.error}", ctx
        )

    path = Path(backup.file_path)
    try:
        on_step("checksum")
        if postgres.sha256_of(path) != backup.checksum_sha256:
            return _restore_failed(restore, "The backup file does not match its checksum.", ctx)
        on_step("restore")
        postgres.restore(path)
    except postgres.ToolError as exc:
        return _restore_failed(restore, str(exc), ctx)
    except OSError as exc:
        return _restore_failed(restore, f"File error: {exc.strerror}", ctx)

    requester = restore.requested_by  # fetched before the restore; the restored users may lack them
    actor = (
        get_user_model().objects.filter(pk=requester.pk).first() if requester is not None else None
    )
    with transaction.atomic():
        BackupRestore.objects.filter(pk=restore.pk).update(
            status=RestoreStatus.COMPLETED, completed_at=timezone.now()
        )
        audit_record(
            action="audit.backup_restored",
            actor=actor,
            target=backup,
            description=f"Restored by {requester}." if requester is not None else "",
            after={
                "restore_id": restore.pk,
                "backup": backup.name,
                "safety_backup": safety.name,
            },
            context=ctx,
        )
    logger.info("Restore %s completed from backup %s", restore.pk, backup.pk)
    restore.refresh_from_db()
    return restore
