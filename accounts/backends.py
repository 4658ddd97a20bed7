from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from accounts.models import UserRole

PERMISSION_NAME = ("content_type__app_label", "codename")


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
            if user_obj.is_superuser:
                rows = Permission.objects.values_list(*PERMISSION_NAME).order_by()
            else:
                # The three sources in one UNION: a staff request asks once,
                # in one round trip instead of three.
                direct, grouped, by_role = (
                    perms.values_list(*PERMISSION_NAME).order_by()
                    for perms in (
                        self._get_user_permissions(user_obj),
                        self._get_group_permissions(user_obj),
                        self._get_role_permissions(user_obj),
                    )
                )
                rows = direct.union(grouped, by_role).order_by()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
        return user_obj._perm_cache
