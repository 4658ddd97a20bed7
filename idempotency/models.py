"""Replies kept for `Idempotency-Key`, so a retried money-moving request moves no money."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class IdempotencyRecord(models.Model):
    """One key of one user: the request it was first used with, and the reply it got.

    `status_code` is empty while the first request is still being served; the
    holder of `lock_token` is the one request allowed to store the reply.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    path = models.CharField(max_length=255, help_text="The route the key was first used on.")
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
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user"),
            models.CheckConstraint(condition=~Q(key=""), name="idempotency_key_not_blank"),
            # A reply is kept whole: its status and the time it was kept, or neither.
            models.CheckConstraint(
                condition=Q(status_code__isnull=True, completed_at__isnull=True)
                | Q(status_code__isnull=False, completed_at__isnull=False),
                name="idempotency_reply_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
