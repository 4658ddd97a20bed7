"""Demo data for ISP billing: packages, subscribers in every status, invoices, balances.

`isp_billing_demo(size=...)` uses the organizations present (creating KTL with
one reseller and one sub-reseller when there are none) and is idempotent:
every row it makes has a fixed `DEMO` code or `demo-` login, and a second run
finds them and adds nothing. All writes go through the services, so balances,
ledgers, receipts and audit events are what real use would leave.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from billing.models import (
    IspInvoice,
    IspPackage,
    IspSubscriber,
    Organization,
    OrganizationTier,
    ResellerAccount,
)
from billing.services.isp_invoicing import subscriber_activate
from billing.services.isp_lifecycle import isp_lifecycle_run
from billing.services.isp_packages import package_create
from billing.services.isp_payments import payment_record
from billing.services.isp_subscribers import (
    subscriber_create,
    subscriber_deactivate,
    subscriber_suspend,
)
from billing.services.organizations import organization_create
from billing.services.reseller_balance import reseller_top_up

# Active, fully paid subscribers per reseller beyond the one of each status.
EXTRA = {"small": 2, "medium": 10, "large": 40}
PACKAGES = (
    # code, name, Mbps, price, reseller price, sub-reseller price, days (None: monthly)
    ("DEMO-HOME10", "Home 10", 10, "800.00", "500.00", "560.00", None),
    ("DEMO-HOME25", "Home 25", 25, "1200.00", "750.00", "840.00", None),
    ("DEMO-WEEK5", "Weekly 5", 5, "250.00", "150.00", "170.00", 7),
)
ROLES = ("new", "paid", "partly_paid", "open", "overdue", "suspended", "inactive")


def _tree() -> list[Organization]:
    resellers = list(
        Organization.objects.active().filter(
            tier__in=(OrganizationTier.RESELLER, OrganizationTier.SUB_RESELLER)
        )[:6]
    )
    if resellers:
        return resellers
    company = Organization.objects.active().filter(tier=OrganizationTier.COMPANY).first()
    if company is None:
        company = organization_create(
            actor=None, fields={"company_name": "Kloud Technologies Ltd", "company_code": "KTL"}
        )
    reseller = organization_create(
        actor=None,
        fields={"company_name": "Demo Net", "company_code": "DEMO-NET", "parent": company},
    )
    sub = organization_create(
        actor=None,
        fields={
            "company_name": "Demo Net Mirpur",
            "company_code": "DEMO-NET-1",
            "parent": reseller,
        },
    )
    return [reseller, sub]


def _packages(company: Organization) -> tuple[list[IspPackage], int]:
    made, packages = 0, []
    for code, name, mbps, price, reseller, sub, days in PACKAGES:
        package = IspPackage.objects.filter(organization=company, code=code).first()
        if package is None:
            package = package_create(
                actor=None,
                fields={
                    "organization": company,
                    "name": name,
                    "code": code,
                    "download_mbps": mbps,
                    "upload_mbps": mbps,
                    "price": Decimal(price),
                    "validity_kind": "days" if days else "monthly",
                    "validity_days": days,
                    "tier_prices": [
                        {"tier": "reseller", "price": Decimal(reseller)},
                        {"tier": "sub_reseller", "price": Decimal(sub)},
                    ],
                },
            )
            made += 1
        packages.append(package)
    return packages, made


def _backdate(subscriber: IspSubscriber, days: int) -> None:
    # Demo only: an overdue invoice needs a period that started in the past.
    shift = timedelta(days=days)
    IspSubscriber.objects.filter(pk=subscriber.pk).update(
        period_start=subscriber.period_start - shift, period_end=subscriber.period_end - shift
    )
    for invoice in IspInvoice.objects.filter(subscriber=subscriber):
        IspInvoice.objects.filter(pk=invoice.pk).update(
            period_start=invoice.period_start - shift,
            period_end=invoice.period_end - shift,
            due_date=invoice.due_date - shift,
        )


def _subscriber(organization, package, role: str, n: int) -> bool:
    login = f"demo-{organization.company_code.lower()}-{role}-{n}"
    if IspSubscriber.objects.filter(pppoe_username__iexact=login).exists():
        return False
    subscriber = subscriber_create(
        actor=None,
        fields={
            "organization": organization,
            "package": package,
            "name": f"{role.replace('_', ' ').title()} Customer {n}",
            "phone": f"+88017{(organization.pk * 1000 + n * 10 + ROLES.index(role)) % 10**8:08d}",
            "pppoe_username": login,
            "address": "House 12, Road 5, Dhanmondi",
        },
    )
    if role == "new":
        return True
    subscriber = subscriber_activate(subscriber=subscriber, actor=None)
    invoice = subscriber.invoices.get()
    if role in ("paid", "suspended", "inactive"):
        payment_record(subscriber=subscriber, amount=invoice.total, method="cash", actor=None)
    elif role == "partly_paid":
        payment_record(
            subscriber=subscriber,
            amount=(invoice.total / 2).quantize(Decimal("0.01")),
            method="bkash",
            reference=f"DEMO{subscriber.pk:08d}",
            actor=None,
        )
    elif role == "overdue":
        _backdate(subscriber, 3)
    if role == "suspended":
        subscriber_suspend(subscriber=subscriber, actor=None, reason="Customer asked (demo)")
    elif role == "inactive":
        subscriber_deactivate(subscriber=subscriber, actor=None, reason="Moved away (demo)")
    return True


def isp_billing_demo(*, size: str) -> list[str]:
    extra = EXTRA.get(size, EXTRA["small"])
    lines = []
    with transaction.atomic():
        resellers = _tree()
        company = Organization.objects.get(pk=int(resellers[0].path.strip("/").split("/")[0]))
        packages, made = _packages(company)
        lines.append(f"ISP packages: {made} created, {len(packages) - made} present")
        created = 0
        for organization in resellers:
            if not ResellerAccount.objects.filter(organization=organization).exists():
                reseller_top_up(
                    organization=organization,
                    amount=Decimal("20000.00") + Decimal(extra) * 1000,
                    actor=None,
                    reason="Opening balance (demo)",
                )
            roles = [*ROLES, *(["paid"] * extra)]
            for n, role in enumerate(roles, start=1):
                created += _subscriber(organization, packages[n % len(packages)], role, n)
        lines.append(f"ISP subscribers: {created} created for {len(resellers)} reseller(s)")
        lines.append(
            f"ISP invoices: {IspInvoice.objects.count()}, reseller balances: "
            f"{ResellerAccount.objects.count()}"
        )
    # Overdue demo invoices put their subscribers in grace (or suspend them) as the job would.
    counts = isp_lifecycle_run()
    lines.append(f"ISP lifecycle: {counts['grace']} in grace, {counts['suspended']} suspended")
    return lines
