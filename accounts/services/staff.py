"""Staff accounts made or changed in one step: the account and its roles in one transaction.

The seed routes that make an admin with a role, or change an admin's profile
and role together, promise all or nothing: a refused role leaves no account
behind, a refused e-mail change leaves the role as it was.
"""

from collections.abc import Sequence

from django.db import transaction
from rest_framework.exceptions import ValidationError

from accounts.models import Role, User
from accounts.services.registration import user_status_activate
from accounts.services.roles import role_assign, role_change
from accounts.services.self_service import user_email_change
from accounts.services.users import profile_update, user_create, user_update


def _roles(roles: Sequence[Role | int]) -> list[Role]:
    ids = {role for role in roles if not isinstance(role, Role)}
    found = {role.pk: role for role in Role.objects.filter(pk__in=ids)}
    if len(found) != len(ids):
        raise ValidationError({"roles": ["Unknown role id."]})
    resolved = {role.pk: role for role in roles if isinstance(role, Role)} | found
    # Assigned in id order, so concurrent creations lock role rows alike.
    return [resolved[pk] for pk in sorted(resolved)]


def staff_member_create(
    *,
    actor: User,
    roles: Sequence[Role | int],
    reason: str,
    password: str | None = None,
    **fields,
) -> User:
    """A staff account holding `roles` (roles or their ids), or nothing at all."""
    resolved = _roles(roles)
    with transaction.atomic():
        user = user_create(actor=actor, password=password, is_staff=True, **fields)
        for role in resolved:
            role_assign(actor=actor, user=user, role=role, reason=reason)
    return user


def staff_member_update(
    *,
    actor: User,
    user: User,
    changes: dict | None,
    proof=None,
    current_session_id=None,
    role: Role | None = None,
    approve: bool = False,
) -> User:
    """Approve, change the profile (`changes`, None for no change) and make `role` the only one.

    `proof` and `current_session_id` are for a change of one's own contact
    details, as `user_update` takes them.
    """
    with transaction.atomic():
        if approve:
            user = user_status_activate(user=user, approver=actor)
        if changes is not None:
            user_update(
                actor=actor,
                user=user,
                proof=proof,
                current_session_id=current_session_id,
                **changes,
            )
        if role is not None:
            role_change(actor=actor, user=user, role=role)
    return user


def staff_profile_update(
    *,
    user: User,
    name: dict | None = None,
    email: str | None = None,
    proof=None,
    current_session_id=None,
) -> User:
    """A staff member's own name and sign-in e-mail, changed together or not at all."""
    with transaction.atomic():
        if name is not None:
            profile_update(user=user, **name)
        if email is not None:
            user_email_change(
                user=user, email=email, proof=proof, current_session_id=current_session_id
            )
    return user
