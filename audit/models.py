from django.conf import settings
from django.db import models


class AuditEventQuerySet(models.QuerySet):
    """Audit rows are append-only: the application never updates or deletes them."""

    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One change that matters: who, what, to which object, before and after.

    An event is written with the change, in its transaction, and sealed into
    the chain right after commit: it gets its `sequence` and a keyed hash of
    its content and of the event before it, so an edited, inserted or removed
    event breaks the chain where `manage.py audit_verify` finds it. Sealing
    after commit keeps a global lock out of every audited transaction.
    """

    sequence = models.PositiveBigIntegerField(null=True, unique=True, editable=False)
    created_at = models.DateTimeField(db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    description = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, null=True, unique=True, editable=False)  # noqa: DJ001

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(
                fields=["id"], condition=models.Q(hash__isnull=True), name="audit_unsealed"
            ),
            models.Index(fields=["actor", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")


class AuditChainAnchor(models.Model):
    """Where the chain resumes after old events were pruned by the retention policy.

    Verification starts from the newest anchor: the sequence and hash of the
    last event removed, so the first remaining event must link to it.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    pruned_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-sequence",)

    def __str__(self) -> str:
        return f"anchor at #{self.sequence}"


class ApiRequestLog(models.Model):
    """One API request: who, what, how it went, with secrets redacted from the bodies."""

    created_at = models.DateTimeField(db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    query = models.CharField(max_length=1000, blank=True)
    status_code = models.PositiveSmallIntegerField()
    duration_ms = models.FloatField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,  # the log is written in bulk, apart from the request's transaction
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)
    request_body = models.TextField(blank=True)
    response_body = models.TextField(blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=["path", "created_at"]),
            models.Index(fields=["status_code", "created_at"]),
            models.Index(fields=["user", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status_code}"


# Backups keep their models in their own module; importing them here registers them.
from audit.models_backup import Backup, BackupRestore  # noqa: E402

__all__ = ["ApiRequestLog", "AuditChainAnchor", "AuditEvent", "Backup", "BackupRestore"]
