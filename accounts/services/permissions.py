"""Permission categories and staff-defined permissions, in Django's one registry."""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import CustomPermission, PermissionCategory, User
from audit.services import audit_record


def permission_category_create(
    *, actor: User, name: str, display_name: str = "", description: str = ""
) -> PermissionCategory:
    if PermissionCategory.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": ["A category with this name exists."]})
    with transaction.atomic():
        category = PermissionCategory.objects.create(
            name=name, display_name=display_name or name, description=description
        )
        audit_record(
            action="accounts.permission_category_created",
            actor=actor,
            target=category,
            after={"name": name, "display_name": category.display_name},
        )
    return category


def custom_permission_create(
    *,
    actor: User,
    codename: str,
    name: str,
    category: PermissionCategory | None = None,
    description: str = "",
) -> CustomPermission:
    """A new permission, checked like any other with `user.has_perm("accounts.<codename>")`."""
    content_type = ContentType.objects.get_for_model(CustomPermission)
    if Permission.objects.filter(content_type__app_label="accounts", codename=codename).exists():
        raise ValidationError({"codename": ["A permission with this codename exists."]})
    with transaction.atomic():
        permission = Permission.objects.create(
            codename=codename, name=name, content_type=content_type
        )
        custom = CustomPermission.objects.create(
            permission=permission, category=category, description=description, created_by=actor
        )
        audit_record(
            action="accounts.custom_permission_created",
            actor=actor,
            target=custom,
            after={
                "codename": f"accounts.{codename}",
                "name": name,
                "category": category.name if category else None,
            },
        )
    return custom
