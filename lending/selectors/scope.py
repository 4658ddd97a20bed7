"""Who sees what: the one place that scopes lending data to the caller.

- a collection officer sees the customers assigned to them;
- a calling agent sees every customer;
- a manager sees the customers of the officers who report to them (and any
  assigned to the manager directly);
- admins (superusers, user_type admin or super_admin, or holders of
  `lending.view_all_customers`) see everything;
- anyone else sees nothing.

Loans and interactions follow their customer. Every viewset's `get_queryset`
goes through `visible()`, so an object outside the caller's view is a 404 for
reads and writes alike.
"""

from enum import StrEnum

from django.db.models import Q, QuerySet

from accounts.models import AccountStatus, StaffType, User

VIEW_ALL_PERMISSION = "lending.view_all_customers"

# How to reach the customer from each model the scope applies to.
_CUSTOMER_PATH = {
    "customer": "",
    "loan": "customer__",
    "installment": "loan__customer__",
    "repayment": "loan__customer__",
    "interaction": "loan__customer__",
}


class LendingRole(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    OFFICER = "collection_officer"
    AGENT = "calling_agent"


def lending_role(user) -> LendingRole | None:
    if user is None or not user.is_authenticated:
        return None
    if (
        user.is_superuser
        or user.user_type in (StaffType.ADMIN, StaffType.SUPER_ADMIN)
        or user.has_perm(VIEW_ALL_PERMISSION)
    ):
        return LendingRole.ADMIN
    return {
        StaffType.MANAGER: LendingRole.MANAGER,
        StaffType.COLLECTION_OFFICER: LendingRole.OFFICER,
        StaffType.CALLING_AGENT: LendingRole.AGENT,
    }.get(user.user_type)


def _scope_q(user, prefix: str) -> Q:
    role = lending_role(user)
    officer = f"{prefix}assigned_collection_officer"
    if role in (LendingRole.ADMIN, LendingRole.AGENT):
        return Q()
    if role is LendingRole.OFFICER:
        return Q(**{officer: user})
    if role is LendingRole.MANAGER:
        return Q(**{f"{officer}__manager": user}) | Q(**{officer: user})
    return Q(pk__in=[])


def visible(queryset: QuerySet, user) -> QuerySet:
    """`queryset` narrowed to the rows `user` may see."""
    prefix = _CUSTOMER_PATH[queryset.model._meta.model_name]
    return queryset.filter(_scope_q(user, prefix))


def assignable_officers(user) -> QuerySet:
    """The users `user` may assign customers to."""
    role = lending_role(user)
    active = User.objects.filter(status=AccountStatus.ACTIVE)
    if role in (LendingRole.ADMIN, LendingRole.AGENT):
        return active.filter(
            user_type__in=[StaffType.COLLECTION_OFFICER, StaffType.MANAGER]
        ).order_by("id")
    if role is LendingRole.MANAGER:
        return active.filter(
            Q(pk=user.pk) | Q(manager=user, user_type=StaffType.COLLECTION_OFFICER)
        ).order_by("id")
    if role is LendingRole.OFFICER:
        return active.filter(pk=user.pk)
    return User.objects.none()


def default_officer(user) -> User | None:
    """Whom a new customer is assigned to when the request names no one.

    Officers and managers get their own customers, so what they create stays
    in their view; agents and admins leave the customer unassigned.
    """
    return user if lending_role(user) in (LendingRole.OFFICER, LendingRole.MANAGER) else None


def may_leave_unassigned(user) -> bool:
    return lending_role(user) in (LendingRole.ADMIN, LendingRole.AGENT)
