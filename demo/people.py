"""Accounts and roles for the demo, made through the accounts services."""

from accounts.models import Role, User, UserRole
from accounts.services.roles import role_assign, role_create
from accounts.services.users import user_create
from demo.context import DEMO_PASSWORD, Demo


def role_named(demo: Demo, name: str) -> Role:
    """The role the seeds name (the accounts migrations create them); made bare if missing."""
    role = Role.objects.filter(name=name).first()
    if role is None:
        role = role_create(
            actor=demo.admin,
            permissions=[],
            name=name,
            display_name=name.replace("_", " ").title(),
            role_level=10,
        )
    return role


def ensure_role(demo: Demo, user: User, role_name: str) -> None:
    role = role_named(demo, role_name)
    if not UserRole.objects.active().filter(user=user, role=role).exists():
        role_assign(actor=demo.admin, user=user, role=role, reason="Demo account")


def account(
    demo: Demo,
    *,
    login: str,
    first_name: str,
    last_name: str,
    mobile: str | None = None,
    with_password: bool = True,
    with_email: bool = True,
    roles: tuple[str, ...] = (),
    **fields,
) -> tuple[User, bool]:
    """The account with this login id, made when missing; (user, made now)."""
    user = User.objects.filter(username__iexact=login).first()
    created = user is None
    if created:
        user = user_create(
            actor=demo.admin,
            password=DEMO_PASSWORD if with_password else None,
            username=login,
            email=demo.email(login) if with_email else None,
            mobile=mobile,
            first_name=first_name,
            last_name=last_name,
            **fields,
        )
    for role_name in roles:
        ensure_role(demo, user, role_name)
    return user, created
