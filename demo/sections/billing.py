"""ISP billing (seed 003): KTL at the top, resellers and sub-resellers below, each with its
administrator placed in it; then the packages, subscribers and invoices of `billing.demo`."""

import importlib
import importlib.util

from accounts.models import StaffType, User
from billing.models import Organization
from billing.selectors import user_organization
from billing.services import membership_set, organization_create
from demo.context import EMAIL_DOMAIN, Account, Demo
from demo.identities import BANGLA_NAMES, bangladesh_mobile
from demo.people import account

COMPANY_CODE = "KTL"
AREAS = ("Dhaka", "Chattogram", "Khulna", "Rajshahi", "Sylhet", "Barishal", "Rangpur", "Mymensingh")


def _organization(demo: Demo, *, code: str, name: str, parent: Organization | None, serial: int):
    found = Organization.objects.filter(company_code__iexact=code).first()
    if found is not None:
        return found
    fields = {
        "company_name": name,
        "company_code": code,
        "contact_email": f"{code.lower()}@{EMAIL_DOMAIN}",
        "contact_phone": bangladesh_mobile(serial),
        "address": f"{name}, Bangladesh",
        "organization_type": "Internet service provider",
        "parent": parent,
        # Share splits are the model's defaults, which add up as its constraint asks.
        "revenue_sharing_enabled": parent is not None,
    }
    return organization_create(actor=demo.admin, fields=fields)


def _place(demo: Demo, user: User, organization: Organization) -> None:
    current = user_organization(user)
    if current is None or current.pk != organization.pk:
        membership_set(user=user, organization=organization, actor=demo.admin)


def _admin(demo: Demo, *, login: str, kind: str, organization, serial: int) -> User:
    rng = demo.rng(f"billing-admin-{login}")
    user, _ = account(
        demo,
        login=login,
        first_name=rng.choice(BANGLA_NAMES),
        last_name=rng.choice(BANGLA_NAMES),
        mobile=bangladesh_mobile(serial),
        user_type=kind,
        roles=(kind,),
        timezone="Asia/Dhaka",
        designation=StaffType(kind).label,
    )
    _place(demo, user, organization)
    return user


def run(demo: Demo) -> None:
    size = demo.size
    company = _organization(demo, code=COMPANY_CODE, name="KTL Internet", parent=None, serial=1)
    # The company's own billing and network staff work within its tree.
    for login in ("demo_billing", "demo_noc", "demo_support"):
        staff = User.objects.filter(username=login).first()
        if staff is not None:
            _place(demo, staff, company)
    organizations = 1
    for r in range(1, size.resellers + 1):
        area = AREAS[(r - 1) % len(AREAS)]
        reseller = _organization(
            demo,
            code=f"KTL-R{r:02d}",
            name=f"{area} Net {r}",
            parent=company,
            serial=100 + r,
        )
        organizations += 1
        _admin(
            demo,
            login=f"demo_reseller{r}",
            kind=StaffType.RESELLER_ADMIN,
            organization=reseller,
            serial=1000 + r,
        )
        if r == 1:
            _admin(
                demo,
                login="demo_field",
                kind=StaffType.FIELD_STAFF,
                organization=reseller,
                serial=900,
            )
        for s in range(1, size.sub_resellers + 1):
            sub = _organization(
                demo,
                code=f"KTL-R{r:02d}-S{s:02d}",
                name=f"{area} Net {r} Zone {s}",
                parent=reseller,
                serial=10_000 + 100 * r + s,
            )
            organizations += 1
            _admin(
                demo,
                login=f"demo_subreseller{r}_{s}",
                kind=StaffType.SUB_RESELLER_ADMIN,
                organization=sub,
                serial=100_000 + 100 * r + s,
            )
    demo.show(
        Account(
            "Reseller Administrator",
            "demo_reseller1",
            demo.email("demo_reseller1"),
            "seed 003, scoped to reseller KTL-R01",
            False,
        )
    )
    demo.show(
        Account(
            "Sub-Reseller Administrator",
            "demo_subreseller1_1",
            demo.email("demo_subreseller1_1"),
            "seed 003, scoped to sub-reseller KTL-R01-S01",
            False,
        )
    )
    demo.show(
        Account(
            "Field Staff",
            "demo_field",
            demo.email("demo_field"),
            "seed 003 field collection",
            False,
        )
    )
    demo.note(f"billing: {organizations} organizations (KTL, resellers, sub-resellers) with admins")
    _isp_billing(demo)


def _isp_billing(demo: Demo) -> None:
    """Packages, subscribers, invoices and reseller balances, when the ISP billing app has them."""
    if importlib.util.find_spec("billing.demo") is None:
        return
    module = importlib.import_module("billing.demo")
    for line in module.isp_billing_demo(size=demo.size.name):
        demo.note(f"billing: {line}")
