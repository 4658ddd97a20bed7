from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from accounts.models import UserRole


class RoleBackend(ModelBackend):
    """Django's model backend, plus the permissions of a user's live roles.

    A role grants only while its assignment is unrevoked and unexpired and the
    role itself is active, checked at the moment of asking: an assignment that
    expires stops granting at once, with no job to run.
    """

    def _get_role_permissions(self, user_obj):
        live_roles = UserRole.objects.active().filter(user=user_obj).values("role_id")
        return Permission.objects.filter(roles__in=live_roles)

    def get_role_permissions(self, user_obj, obj=None) -> set[str]:
        return self._get_permissions(user_obj, obj, "role")

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = {
                *self.get_user_permissions(user_obj),
                *self.get_group_permissions(user_obj),
                *self.get_role_permissions(user_obj),
            }
        return user_obj._perm_cache
