"""Database backups and the restores made from them.

Both tables are left out of every dump (see `audit.backups.postgres`), so a
restore never rewinds the catalogue of the files on disk nor the record of the
restore itself. For the same reason their links to users carry no database
constraint: a restore drops and recreates the users table, which a foreign key
from a table outside the dump would forbid.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from audit.choices import BackupStatus


class RestoreStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Taking the safety backup or restoring"
    COMPLETED = "completed", "Restored"
    FAILED = "failed", "Failed; the database was not changed"


class BackupKind(models.TextChoices):
    MANUAL = "manual", "Manual"
    SAFETY = "safety", "Safety copy taken before a restore"


class Backup(models.Model):
    """One `pg_dump` archive (custom format) of the whole database, and its file."""

    name = models.CharField(max_length=255, unique=True)
    label = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=BackupKind.choices, default=BackupKind.MANUAL)
    database = models.CharField(max_length=255)
    file_path = models.CharField(max_length=1024)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    checksum_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=10, choices=BackupStatus.choices, default=BackupStatus.PENDING, db_index=True
    )
    error = models.TextField(blank=True)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
    )
    # What the requester asked to cover ({table_name, date_column, start_date, end_date});
    # the archive itself always holds the whole database, so it can be restored as a unit.
    tables = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "audit"
        ordering = ("-created_at", "-id")
        permissions = [
            ("restore_backup", "Can restore the database from a backup"),
            ("view_system_health", "Can view the health of the system"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=BackupStatus.values), name="audit_backup_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=BackupKind.values), name="audit_backup_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=BackupStatus.COMPLETED)
                | (
                    Q(size_bytes__isnull=False)
                    & Q(completed_at__isnull=False)
                    & ~Q(checksum_sha256="")
                ),
                name="audit_backup_completed_has_file_facts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"


class BackupRestore(models.Model):
    """A request to restore the database from a backup, and how it went."""

    backup = models.ForeignKey(
        Backup, null=True, on_delete=models.SET_NULL, related_name="restores"
    )
    # Kept when the backup row goes, so the history still says what was restored.
    backup_name = models.CharField(max_length=255)
    safety_backup = models.ForeignKey(
        Backup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=RestoreStatus.choices, default=RestoreStatus.PENDING, db_index=True
    )
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
    )
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "audit"
        ordering = ("-requested_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RestoreStatus.values),
                name="audit_backuprestore_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"restore of {self.backup_name} ({self.status})"
