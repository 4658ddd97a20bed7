"""The roles the seed documents name, so their role calls work on a fresh install.

Each role is created only when no role of that name exists: a role an admin has
already made (or changed) is left as it is. Undoing the migration leaves the
roles in place, since people may hold them by then.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

_CRUD = ("view", "add", "change")


def _model_perms(app_label: str, *models: str, actions=_CRUD) -> list[str]:
    return [f"{app_label}.{action}_{model}" for model in models for action in actions]


_LENDING_ALL = _model_perms(
    "lending", "customer", "loan", "interaction", "installment", "repayment", actions=("view",)
)
_ISP_READ = _model_perms(
    "billing",
    "organization",
    "isppackage",
    "ispsubscriber",
    "ispinvoice",
    "isppayment",
    "district",
    "thana",
    "division",
    actions=("view",),
)
_RESELLER = [
    *_ISP_READ,
    *_model_perms("billing", "ispsubscriber", actions=("add", "change")),
    "billing.add_isppayment",
    "billing.collect_payment",
    "billing.view_reselleraccount",
    "billing.view_resellerledgerentry",
    "billing.view_resellercommission",
]
_STAFF_DIRECTORY = ["accounts.view_user", "accounts.view_role", "accounts.view_userrole"]

# name: (display name, description, level, can assign roles, permissions).
# "__all__" gives every permission there is when the role is created.
ROLES = {
    "super_admin": (
        "Super Administrator",
        "Every permission; assigns any role.",
        100,
        True,
        "__all__",
    ),
    "admin": (
        "Administrator",
        "Runs the back office: people, roles, KYC review, audit and reports.",
        90,
        True,
        [
            *_model_perms("accounts", "user", "role", "userrole"),
            "accounts.approve_user",
            "accounts.block_user",
            "accounts.export_user",
            "accounts.view_login_activity",
            "accounts.view_loginactivity",
            "accounts.view_authsession",
            "accounts.view_suspiciousactivity",
            "accounts.view_blockedip",
            "accounts.assign_role",
            "auth.view_permission",
            "auth.view_group",
            "kyc.view_kycrecord",
            "kyc.review_kyc",
            "kyc.view_kyc_report",
            "audit.view_auditevent",
            "audit.view_apirequestlog",
            "audit.view_backup",
            "audit.view_system_health",
            "reports.view_analytics",
            "reports.run_report",
            "reports.view_reportexport",
            "lending.view_all_customers",
        ],
    ),
    "billing_manager": (
        "Billing Manager",
        "Manages billing operations: packages, invoices, payments and reseller balances.",
        60,
        False,
        [
            *_ISP_READ,
            *_model_perms("billing", "isppackage", "isppackagetierprice", "ispinvoice"),
            "billing.add_isppayment",
            "billing.collect_payment",
            "billing.view_reselleraccount",
            "billing.view_resellerledgerentry",
            "billing.view_resellercommission",
            "billing.credit_reselleraccount",
            "reports.view_analytics",
            "reports.run_report",
        ],
    ),
    "noc_manager": (
        "NOC Manager",
        "Runs the network side: subscribers' connections and locations.",
        50,
        False,
        [*_ISP_READ, "billing.change_ispsubscriber", "billing.view_ispstatuschange"],
    ),
    "support_staff": (
        "Support Staff",
        "Answers customers: reads accounts and subscribers, handles contact messages.",
        30,
        False,
        [
            "accounts.view_user",
            *_ISP_READ,
            "recharge.view_contactmessage",
            "recharge.change_contactmessage",
        ],
    ),
    "reseller_admin": (
        "Reseller Administrator",
        "Runs a reseller's subscribers and collections, within its own organization.",
        40,
        False,
        _RESELLER,
    ),
    "sub_reseller_admin": (
        "Sub-Reseller Administrator",
        "Runs a sub-reseller's subscribers and collections, within its own organization.",
        35,
        False,
        _RESELLER,
    ),
    "field_staff": (
        "Field Staff",
        "Visits subscribers and records the payments collected.",
        20,
        False,
        [
            "billing.view_ispsubscriber",
            "billing.view_isppayment",
            "billing.add_isppayment",
            "billing.collect_payment",
        ],
    ),
    "manager": (
        "Manager",
        "Leads collection officers and approves the staff who report to them.",
        50,
        False,
        [*_LENDING_ALL, *_model_perms("lending", "customer", "loan"), *_STAFF_DIRECTORY],
    ),
    "collection_officer": (
        "Collection Officer",
        "Works the customers assigned to them.",
        20,
        False,
        [*_LENDING_ALL, "lending.add_interaction", "lending.change_customer"],
    ),
    "calling_agent": (
        "Calling Agent",
        "Calls every customer and records the calls.",
        20,
        False,
        [*_LENDING_ALL, "lending.add_interaction"],
    ),
    "merchant": ("Merchant", "A business account.", 5, False, []),
    "user": ("User", "An end user: acts on their own data only.", 1, False, []),
}


def _ensure_permissions(using: str) -> None:
    # On a fresh install, permissions are otherwise created only after every
    # migration has run. Django's own ContentType and Permission models are
    # settled by now (auth's last migration runs before accounts' first), so the
    # registry is filled from the installed models, whatever order the apps
    # migrate in.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=global_apps)


def seed_roles(apps, schema_editor) -> None:
    Role = apps.get_model("accounts", "Role")
    Permission = apps.get_model("auth", "Permission")
    using = schema_editor.connection.alias
    _ensure_permissions(using)
    permissions = Permission.objects.using(using)
    everything = list(permissions.values_list("pk", flat=True))
    for name, (display_name, description, level, can_assign, wanted) in ROLES.items():
        role, created = Role.objects.using(using).get_or_create(
            name=name,
            defaults={
                "display_name": display_name,
                "description": description,
                "role_level": level,
                "can_assign_roles": can_assign,
            },
        )
        if not created:
            continue
        if wanted == "__all__":
            role.permissions.set(everything)
            continue
        # A permission of a model not installed here is left out.
        match = Q(pk__in=[])
        for app_label, codename in (perm.split(".", 1) for perm in wanted):
            match |= Q(content_type__app_label=app_label, codename=codename)
        role.permissions.set(permissions.filter(match))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_identity_number_contested"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
