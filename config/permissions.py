"""Permission checks for staff endpoints, on Django's one registry of permissions.

`user.has_perm()` is the single check: it sees superusers, direct grants,
groups and (through the accounts backend) active roles alike.
"""

from rest_framework.permissions import BasePermission, DjangoModelPermissions


class IsActiveUser(BasePermission):
    """Signed in with an account in good standing.

    A deactivated account (switched off by its owner) can still sign in, but
    reaches only the views that declare `allow_deactivated`, such as the one
    that reactivates it.
    """

    message = "This account is deactivated; reactivate it to continue."
    code = "account_deactivated"

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.is_active:
            return True
        return getattr(user, "is_deactivated", False) and getattr(view, "allow_deactivated", False)


def _signed_in_and_active(request, view) -> bool:
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
