import uuid

from django.conf import settings
from django.db import models
from django.utils.timezone import now


class AuthSession(models.Model):
    """One sign-in: the family of refresh tokens that descend from it.

    Tokens carry this row's id (`sid`). Only the newest refresh token of the
    family (`refresh_jti`) is accepted; presenting an older one means it was
    stolen or replayed, and the whole session ends. Access tokens are checked
    against this row on every request, so ending a session ends its tokens.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auth_sessions"
    )
    created_at = models.DateTimeField(default=now)
    last_used_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    remember_me = models.BooleanField(default=False)
    refresh_jti = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    device = models.CharField(max_length=100, blank=True)
    browser = models.CharField(max_length=100, blank=True)
    os = models.CharField(max_length=100, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["user", "revoked_at", "expires_at"])]

    def __str__(self) -> str:
        return f"session {self.id} of user {self.user_id}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > now()
