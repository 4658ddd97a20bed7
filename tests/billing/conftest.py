import pytest
from django.contrib.auth.models import Permission

from accounts.models import StaffType, User
from billing.models import Organization, OrganizationMembership, OrganizationTier
from billing.services import organization_create
from tests.factories import UserFactory

ORGANIZATION_PERMS = (
    "view_organization",
    "add_organization",
    "change_organization",
    "delete_organization",
)


def grant(user: User, *codenames: str) -> User:
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="billing", codename__in=codenames)
    )
    return User.objects.get(pk=user.pk)  # permissions are cached on the instance


def join(user: User, organization: Organization) -> User:
    OrganizationMembership.objects.create(user=user, organization=organization)
    return user


@pytest.fixture
def super_admin() -> User:
    return UserFactory(
        username="superadmin", user_type=StaffType.SUPER_ADMIN, is_superuser=True, is_staff=True
    )


@pytest.fixture
def org_admin() -> User:
    """An admin with the organization permissions (through a grant, not superuser)."""
    return grant(UserFactory(username="orgadmin", user_type=StaffType.ADMIN), *ORGANIZATION_PERMS)


@pytest.fixture
def tree(super_admin):
    """KTL with two resellers; the first has two sub-resellers.

    KTL
    ├── NorthNet (reseller)
    │   ├── N-Sub-1 (sub_reseller)
    │   └── N-Sub-2 (sub_reseller)
    └── SouthNet (reseller)
    """

    def make(code: str, parent=None, **extra) -> Organization:
        return organization_create(
            actor=super_admin,
            fields={"company_name": f"{code} Ltd", "company_code": code, "parent": parent, **extra},
        )

    ktl = make("KTL")
    north = make("NORTH", ktl)
    south = make("SOUTH", ktl)
    n1 = make("N-SUB-1", north)
    n2 = make("N-SUB-2", north)
    assert ktl.tier == OrganizationTier.COMPANY
    assert north.tier == OrganizationTier.RESELLER
    assert n1.tier == OrganizationTier.SUB_RESELLER
    return {"ktl": ktl, "north": north, "south": south, "n1": n1, "n2": n2}


@pytest.fixture
def reseller_admin(tree) -> User:
    user = UserFactory(username="northadmin", user_type=StaffType.RESELLER_ADMIN)
    join(user, tree["north"])
    return grant(user, *ORGANIZATION_PERMS)


@pytest.fixture
def sub_reseller_admin(tree) -> User:
    user = UserFactory(username="nsub1admin", user_type=StaffType.SUB_RESELLER_ADMIN)
    join(user, tree["n1"])
    return grant(user, *ORGANIZATION_PERMS)
