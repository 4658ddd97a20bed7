from rest_framework.permissions import BasePermission

from accounts.models import AccountStatus


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
        return user.status == AccountStatus.DEACTIVATED and getattr(
            view, "allow_deactivated", False
        )
