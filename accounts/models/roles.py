from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import models
from django.db.models import Q
from django.utils.timezone import now


class Role(models.Model):
    """A named bundle of Django permissions, assigned to people through `UserRole`.

    `role_level` orders authority: nobody grants a role above their own level.
    `max_assignments` caps how many people may hold the role at once.
    """

    name = models.SlugField(max_length=100, unique=True)
    display_name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    role_level = models.PositiveSmallIntegerField(default=1)
    can_assign_roles = models.BooleanField(default=False)
    max_assignments = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    permissions = models.ManyToManyField(Permission, blank=True, related_name="roles")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-role_level", "name")
        permissions = [("assign_role", "Can assign and revoke roles")]
        constraints = [
            models.CheckConstraint(
                condition=Q(role_level__gte=1) & Q(role_level__lte=100), name="role_level_1_to_100"
            ),
            models.CheckConstraint(
                condition=Q(max_assignments__isnull=True) | Q(max_assignments__gte=1),
                name="role_max_assignments_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.name


class UserRoleQuerySet(models.QuerySet):
    def active(self, at=None):
        """Assignments that grant their role now: not revoked, not expired, role active."""
        moment = at or now()
        return self.filter(revoked_at__isnull=True, role__is_active=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=moment)
        )


class UserRole(models.Model):
    """One assignment of a role to a person; revoked ones stay as history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(default=now)
    reason = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)

    objects = UserRoleQuerySet.as_manager()

    class Meta:
        ordering = ("-assigned_at",)
        constraints = [
            # One live assignment of a role per person; history rows are revoked.
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(revoked_at__isnull=True),
                name="userrole_one_live_assignment",
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.role} for user {self.user_id}"

    @property
    def is_active(self) -> bool:
        return (
            self.revoked_at is None
            and self.role.is_active
            and (self.expires_at is None or self.expires_at > now())
        )


class PermissionCategory(models.Model):
    """A heading under which permissions are listed (seed 003)."""

    name = models.SlugField(max_length=100, unique=True)
    display_name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "permission categories"

    def __str__(self) -> str:
        return self.display_name or self.name


class CustomPermission(models.Model):
    """A permission defined by staff rather than by a model.

    The permission itself lives in Django's one registry (`auth.Permission`,
    under this model's content type); this row adds its category and text.
    """

    permission = models.OneToOneField(Permission, on_delete=models.CASCADE, related_name="custom")
    category = models.ForeignKey(
        PermissionCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="custom_permissions",
    )
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ("permission__codename",)

    def __str__(self) -> str:
        return self.permission.codename
