"""Who belongs to which organization, each change audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from audit.services import audit_record
from billing.models import Organization, OrganizationMembership
from billing.selectors import has_unrestricted_scope
from billing.services.organizations import lock_organization, scope_root


def _refuse_escalation(*, user: User, actor: User) -> None:
    """Nobody places an account that can do more than they can: its organization's
    admins would then manage someone above themselves."""
    if actor.is_superuser:
        return
    if user.is_superuser or (has_unrestricted_scope(user) and not has_unrestricted_scope(actor)):
        raise PermissionDenied("You cannot place an account with more access than your own.")
    if not user.get_all_permissions() <= actor.get_all_permissions():
        raise PermissionDenied("This account holds permissions you do not hold.")


def membership_set(
    *, user: User, organization: Organization, actor: User
) -> OrganizationMembership:
    """Make `user` a member of `organization` (moving them from any other)."""
    _refuse_escalation(user=user, actor=actor)
    with transaction.atomic():
        organization = lock_organization(organization)
        if organization.is_archived:
            raise ValidationError({"organization": ["This organization is archived."]})
        root = scope_root(actor)
        current = (
            OrganizationMembership.objects.select_for_update()
            .select_related("organization")
            .filter(user=user)
            .first()
        )
        if root is not None and (
            not organization.path.startswith(root.path)
            or (current is not None and not current.organization.path.startswith(root.path))
        ):
            raise PermissionDenied("Both organizations must be your own or below it.")
        before = {"organization": current.organization_id if current else None}
        if current is None:
            membership = OrganizationMembership.objects.create(user=user, organization=organization)
        else:
            membership = current
            membership.organization = organization
            membership.save(update_fields=["organization", "updated_at"])
        if before["organization"] != organization.pk:
            audit_record(
                action="billing.membership_set",
                actor=actor,
                target=user,
                before=before,
                after={"organization": organization.pk},
            )
    return membership


def membership_remove(*, user: User, actor: User) -> None:
    """Take `user` out of their organization."""
    with transaction.atomic():
        current = (
            OrganizationMembership.objects.select_for_update()
            .select_related("organization")
            .filter(user=user)
            .first()
        )
        if current is None:
            return
        root = scope_root(actor)
        if root is not None and not current.organization.path.startswith(root.path):
            raise PermissionDenied("This user belongs to an organization outside your own.")
        audit_record(
            action="billing.membership_removed",
            actor=actor,
            target=user,
            before={"organization": current.organization_id},
            after={"organization": None},
        )
        current.delete()
