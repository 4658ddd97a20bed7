"""Reusable reads of the billing app: locations, organizations and who sees which.

Other apps find a user's organization and its tree here:

    user_organization(user)          -> Organization | None
    organizations_visible_to(user)   -> the organizations the user may see
    users_visible_to(user)           -> the users of those organizations
    organization_subtree(org)        -> an organization and everything below it
"""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import StaffType, User
from billing.models import (
    District,
    Division,
    Organization,
    OrganizationMembership,
    Thana,
)

# Staff kinds that see every organization (given the permission to see any).
UNRESTRICTED_STAFF_TYPES = frozenset({StaffType.SUPER_ADMIN, StaffType.ADMIN})


# --- Locations ------------------------------------------------------------------


def districts_list() -> QuerySet[District]:
    return District.objects.select_related("division").annotate(thana_count=Count("thanas"))


def thanas_list() -> QuerySet[Thana]:
    return Thana.objects.select_related("district__division")


def locations_summary() -> dict:
    divisions = list(
        Division.objects.annotate(
            district_count=Count("districts", distinct=True),
            thana_count=Count("districts__thanas", distinct=True),
        ).order_by("name")
    )
    return {
        "total_divisions": len(divisions),
        "total_districts": sum(d.district_count for d in divisions),
        "total_thanas": sum(d.thana_count for d in divisions),
        "divisions": divisions,
    }


# --- Organizations and scope ----------------------------------------------------


def has_unrestricted_scope(user) -> bool:
    """Whether the user sees every organization rather than their own tree."""
    return bool(
        user
        and user.is_authenticated
        and (user.is_superuser or user.user_type in UNRESTRICTED_STAFF_TYPES)
    )


def user_organization(user) -> Organization | None:
    """The (unarchived) organization the user belongs to, if any."""
    if not (user and user.is_authenticated):
        return None
    membership = (
        OrganizationMembership.objects.select_related("organization")
        .filter(user=user, organization__archived_at__isnull=True)
        .first()
    )
    return membership.organization if membership else None


def organization_subtree(
    organization: Organization, *, include_archived: bool = False
) -> QuerySet[Organization]:
    """The organization and every organization below it, at any depth, in one query."""
    queryset = Organization.objects.subtree_of(organization)
    return queryset if include_archived else queryset.active()


def _own_path(user) -> Subquery:
    """The path of the user's (unarchived) organization, as a subquery: scoping a
    queryset by it costs no query of its own."""
    return Subquery(
        OrganizationMembership.objects.filter(
            user_id=user.pk, organization__archived_at__isnull=True
        ).values("organization__path")[:1]
    )


def organizations_visible_to(user, *, include_archived: bool = False) -> QuerySet[Organization]:
    """Every organization for super admins and admins; for anyone else, the organization
    they belong to and everything below it (nothing when they belong to none)."""
    queryset = Organization.objects.all() if include_archived else Organization.objects.active()
    if has_unrestricted_scope(user):
        return queryset
    return queryset.filter(path__startswith=_own_path(user))


def users_visible_to(user, queryset: QuerySet[User] | None = None) -> QuerySet[User]:
    """The users of the organizations the user sees, and the user themselves
    (every user for super admins and admins)."""
    queryset = User.objects.all() if queryset is None else queryset
    if has_unrestricted_scope(user):
        return queryset
    return queryset.filter(
        Q(pk=user.pk) | Q(membership__organization__path__startswith=_own_path(user))
    )


def organization_scope_q(user, field: str = "organization") -> Q:
    """A filter for rows of other models that point to an organization through `field`."""
    if has_unrestricted_scope(user):
        return Q()
    return Q(
        **{f"{field}__path__startswith": _own_path(user), f"{field}__archived_at__isnull": True}
    )


def _count(queryset: QuerySet, field: str) -> Coalesce:
    rows = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), Value(0))


def organizations_with_counts(queryset: QuerySet[Organization]) -> QuerySet[Organization]:
    """Organizations with `users_count` and `children_count`, still one query."""
    return queryset.select_related("parent").annotate(
        users_count=_count(OrganizationMembership.objects.all(), "organization"),
        children_count=_count(Organization.objects.active(), "parent"),
    )


def organization_dependants(organization: Organization) -> tuple[int, int]:
    """How many users and unarchived sub-organizations keep it from being archived."""
    users = OrganizationMembership.objects.filter(organization=organization).count()
    children = Organization.objects.active().filter(parent=organization).count()
    return users, children


def location_info(kind: str, code: int) -> dict | None:
    """A district or thana by its code, as user replies show it (None when unknown)."""
    if kind == "district":
        place = District.objects.select_related("division").filter(pk=code).first()
        if place is None:
            return None
        return {
            "id": place.pk,
            "name": place.name,
            "name_bn": place.name_bn,
            "division": place.division_id,
            "division_name": place.division.name,
        }
    place = Thana.objects.select_related("district").filter(pk=code).first()
    if place is None:
        return None
    return {
        "id": place.pk,
        "name": place.name,
        "name_bn": place.name_bn,
        "district": place.district_id,
        "district_name": place.district.name,
    }
