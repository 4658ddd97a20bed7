"""Permission checks for staff endpoints, on Django's one registry of permissions.

`user.has_perm()` is the single check: it sees superusers, direct grants,
groups and (through the accounts backend) active roles alike.
"""

from rest_framework.permissions import DjangoModelPermissions


def _signed_in_and_active(request, view) -> bool:
    from accounts.permissions import IsActiveUser

    return IsActiveUser().has_permission(request, view)


class ModelPermissions(DjangoModelPermissions):
    """The model's view/add/change/delete permission for the method; reading needs `view`."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view) -> bool:
        return _signed_in_and_active(request, view) and super().has_permission(request, view)


def permission_required(*perms: str, any_of: bool = False):
    """A DRF permission class requiring Django permissions (all of them, or `any_of`)."""

    class PermissionRequired:
        required = perms

        def has_permission(self, request, view) -> bool:
            if not _signed_in_and_active(request, view):
                return False
            user = request.user
            if any_of:
                return any(user.has_perm(perm) for perm in perms)
            return user.has_perms(perms)

        def has_object_permission(self, request, view, obj) -> bool:
            return True

    PermissionRequired.__name__ = f"PermissionRequired[{','.join(perms)}]"
    return PermissionRequired
