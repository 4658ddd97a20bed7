"""Replies kept for `Idempotency-Key`, so a retried money-moving request moves no money."""

import uuid

from django.conf import settings
from django.db import models


class IdempotencyRecord(models.Model):
    """One key of one user: the request it was first used with, and the reply it got.

    `status_code` is empty while the first request is still being served.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    lock_token = models.UUIDField(default=uuid.uuid4)
    locked_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="recharge_idempotency_key_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
