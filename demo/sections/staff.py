"""Back-office staff: one account for each staff kind the seeds name, with its role."""

from accounts.models import StaffType
from demo.context import Account, Demo
from demo.identities import indian_mobile
from demo.people import account

# login, first name, last name, staff kind, Django admin access, role, where it fits.
STAFF = (
    (
        "demo_ops_admin",
        "Anita",
        "Rao",
        StaffType.ADMIN,
        True,
        "admin",
        "Django admin, seeds 000/003/004 admin APIs",
    ),
    (
        "demo_billing",
        "Bimal",
        "Sen",
        StaffType.BILLING_MANAGER,
        True,
        "billing_manager",
        "seed 003 (KTL billing)",
    ),
    (
        "demo_noc",
        "Nadia",
        "Islam",
        StaffType.NOC_MANAGER,
        True,
        "noc_manager",
        "seed 003 (KTL NOC)",
    ),
    (
        "demo_support",
        "Sohel",
        "Rana",
        StaffType.SUPPORT_STAFF,
        True,
        "support_staff",
        "seed 003/004 support",
    ),
)


def run(demo: Demo) -> None:
    for number, (login, first, last, kind, is_staff, role, fits) in enumerate(STAFF, 1):
        account(
            demo,
            login=login,
            first_name=first,
            last_name=last,
            mobile=indian_mobile(10, number),
            user_type=kind,
            is_staff=is_staff,
            roles=(role,),
            designation=StaffType(kind).label,
        )
        demo.show(Account(StaffType(kind).label, login, demo.email(login), fits, is_staff))
    demo.note(f"staff: {len(STAFF)} back-office accounts with their roles")
