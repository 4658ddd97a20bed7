"""ISP billing fixtures: the KTL tree of tests/billing, packages, funded resellers, staff."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from accounts.models import StaffType, User
from billing.models import IspPackage, IspPackageTierPrice, ResellerAccount, ResellerLedgerEntry
from billing.services.isp_subscribers import subscriber_create
from billing.services.organizations import organization_update
from billing.services.reseller_balance import reseller_top_up
from tests.billing.conftest import join
from tests.factories import UserFactory
from tests.idempotency.keys import new_key

ISP_PERMS = (
    "view_isppackage",
    "add_isppackage",
    "change_isppackage",
    "view_ispsubscriber",
    "add_ispsubscriber",
    "change_ispsubscriber",
    "collect_payment",
    "view_ispinvoice",
    "view_isppayment",
    "view_reselleraccount",
    "credit_reselleraccount",
    "view_resellercommission",
    "view_organization",
)


def grant_isp(user: User) -> User:
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="billing", codename__in=ISP_PERMS)
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def package(tree) -> IspPackage:
    """KTL's 20 Mbps monthly package: 1000.00 to subscribers, 600.00 to resellers."""
    package = IspPackage.objects.create(
        organization=tree["ktl"],
        name="Home 20",
        code="HOME20",
        download_mbps=20,
        upload_mbps=20,
        price=Decimal("1000.00"),
    )
    IspPackageTierPrice.objects.create(package=package, tier="reseller", price=Decimal("600.00"))
    IspPackageTierPrice.objects.create(
        package=package, tier="sub_reseller", price=Decimal("700.00")
    )
    return package


@pytest.fixture
def big_package(tree) -> IspPackage:
    package = IspPackage.objects.create(
        organization=tree["ktl"],
        name="Home 50",
        code="HOME50",
        download_mbps=50,
        upload_mbps=50,
        price=Decimal("2000.00"),
    )
    IspPackageTierPrice.objects.create(package=package, tier="reseller", price=Decimal("1200.00"))
    IspPackageTierPrice.objects.create(
        package=package, tier="sub_reseller", price=Decimal("1400.00")
    )
    return package


@pytest.fixture
def north_admin(tree) -> User:
    user = UserFactory(username="northbilling", user_type=StaffType.RESELLER_ADMIN)
    join(user, tree["north"])
    return grant_isp(user)


@pytest.fixture
def south_admin(tree) -> User:
    user = UserFactory(username="southbilling", user_type=StaffType.RESELLER_ADMIN)
    join(user, tree["south"])
    return grant_isp(user)


@pytest.fixture
def fund(super_admin):
    def _fund(organization, amount: str) -> None:
        reseller_top_up(
            organization=organization, amount=Decimal(amount), actor=super_admin, reason="bank"
        )

    return _fund


counter = {"n": 0}


@pytest.fixture
def make_subscriber(super_admin, package):
    def _make(organization, *, pkg=None, billing_day=None, **extra):
        counter["n"] += 1
        n = counter["n"]
        fields = {
            "organization": organization,
            "package": pkg or package,
            "name": f"Customer {n}",
            "phone": f"0171{n:07d}",
            "pppoe_username": f"cust{n}",
            **extra,
        }
        if billing_day:
            fields["billing_day"] = billing_day
        return subscriber_create(actor=super_admin, fields=fields)

    return _make


def balance(organization) -> Decimal:
    account = ResellerAccount.objects.filter(organization=organization).first()
    return account.balance if account else Decimal("0.00")


def assert_ledger_consistent() -> None:
    for account in ResellerAccount.objects.all():
        total = sum(
            (e.amount for e in ResellerLedgerEntry.objects.filter(account=account)), Decimal(0)
        )
        assert account.balance == total >= 0


def post(client, url: str, data=None, *, key: bool = True):
    headers = new_key() if key else {}
    return client.post(url, data or {}, format="json", headers=headers)


def enable_sharing(organization, actor, percent: str = "5.00") -> None:
    organization_update(
        organization=organization,
        actor=actor,
        changes={
            "revenue_sharing_enabled": True,
            "default_sub_reseller_share": Decimal("45.00"),
            "default_ktl_share_with_sub": Decimal("100.00") - Decimal("45.00") - Decimal(percent),
            "default_reseller_share_with_sub": Decimal(percent),
        },
    )


@pytest.fixture
def days_package(tree) -> IspPackage:
    """KTL's 30-day package: 500.00 to subscribers, 300.00 to resellers, 350.00 to subs."""
    package = IspPackage.objects.create(
        organization=tree["ktl"],
        name="Month 10",
        code="M10",
        download_mbps=10,
        upload_mbps=10,
        price=Decimal("500.00"),
        validity_kind="days",
        validity_days=30,
    )
    IspPackageTierPrice.objects.create(package=package, tier="reseller", price=Decimal("300.00"))
    IspPackageTierPrice.objects.create(
        package=package, tier="sub_reseller", price=Decimal("350.00")
    )
    return package


@pytest.fixture
def biller(api_client, super_admin):
    api_client.force_authenticate(super_admin)
    return api_client
