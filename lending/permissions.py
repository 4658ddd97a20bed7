from config.permissions import IsActiveUser
from lending.selectors import lending_role


class IsLendingStaff(IsActiveUser):
    """Signed in, active, and one of the lending roles (or a lending admin)."""

    message = "Only collections staff can use these endpoints."
    code = "permission_denied"

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and lending_role(request.user) is not None
