import os

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import StaffType, User
from config.progress import ProgressCommand
from demo.context import DEMO_PASSWORD, EMAIL_DOMAIN, Account, Demo
from demo.delivery import kept_in_memory
from demo.identities import indian_mobile
from demo.people import ensure_role
from demo.sections import SECTIONS
from demo.sizes import SIZES

ADMIN_LOGIN = "demo_admin"


class Command(ProgressCommand):
    help = (
        "Fill every back office with made-up, coherent data through the services: staff in "
        "each role, subscribers with wallets and payments, KYC records in every state, loans "
        "in every delinquency bucket, the ISP organization tree. Running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even where SECRET_KEY is set and DEBUG is off (the accounts share a known password).",
        )

    def handle(self, *args, size: str, allow_production: bool, **options):
        self._refuse_unsafe(allow_production)
        started = timezone.now()
        with kept_in_memory():
            demo = Demo(
                size=SIZES[size],
                admin=self._admin(),
                today=timezone.localdate(),
                progress=self.progress,
            )
            demo.show(
                Account(
                    StaffType.SUPER_ADMIN.label,
                    ADMIN_LOGIN,
                    demo.email(ADMIN_LOGIN),
                    "Django admin (/admin/), every API",
                    True,
                )
            )
            ensure_role(demo, demo.admin, "super_admin")
            for _name, run in SECTIONS:
                run(demo)
        seconds = (timezone.now() - started).total_seconds()
        self._report(demo, seconds)

    def _refuse_unsafe(self, allow_production: bool) -> None:
        if settings.PAYMENTS_PROVIDER != "sandbox" or not settings.PAYMENTS_SANDBOX_ENABLED:
            raise CommandError(
                "Demo data pays through the sandbox payment provider; unset RAZORPAY_KEY_ID "
                "(or set PAYMENTS_PROVIDER=sandbox) to run it."
            )
        if os.environ.get("SECRET_KEY") and not settings.DEBUG and not allow_production:
            raise CommandError(
                "This looks like a deployment (SECRET_KEY set, DEBUG off): demo accounts share a "
                "published password. Pass --allow-production if this really is a demo server."
            )

    def _admin(self) -> User:
        admin = User.objects.filter(username__iexact=ADMIN_LOGIN).first()
        if admin is None:
            admin = User.objects.create_superuser(
                ADMIN_LOGIN,
                f"demo.admin@{EMAIL_DOMAIN}",
                DEMO_PASSWORD,
                mobile=indian_mobile(1, 1),
                first_name="Demo",
                last_name="Administrator",
            )
        if not admin.is_superuser or not admin.is_active:
            raise CommandError(f"{ADMIN_LOGIN} exists but is not an active superuser.")
        return admin

    def _report(self, demo: Demo, seconds: float) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS(f"Demo data ({demo.size.name}) ready in {seconds:.1f} s:"))
        for line in demo.summary:
            out.write(f"  {line}")
        out.write("")
        out.write(f"Sign in with password {DEMO_PASSWORD!r} (every demo account):")
        width = max(len(a.role) for a in demo.accounts)
        login_width = max(len(a.login) for a in demo.accounts)
        for a in demo.accounts:
            factor = "  + code" if a.second_factor else ""
            out.write(
                f"  {a.role:<{width}}  {a.login:<{login_width}}  {a.email}  ({a.fits}){factor}"
            )
        out.write("")
        out.write(
            "Accounts marked '+ code' are staff: after the password they get a one-time code, "
            "which the console SMS and e-mail backends print in the server's output "
            "(AUTH_STAFF_SECOND_FACTOR=false turns this off, for local development only)."
        )
        out.write(
            'Sign in at POST /api/v1/auth/login with {"username": ..., "password": ...} '
            "(seed 003 clients send login_id), or at /admin/ for staff."
        )
