"""Writes of interactions, and the follow-up date they leave on their loan."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from audit.services import audit_record
from lending.models import Interaction, Loan
from lending.selectors import LendingRole, lending_role
from lending.selectors.batches import lookup_batches
from lending.services.snapshots import changed, snapshot


def interaction_may_edit(user, interaction: Interaction) -> bool:
    """Only the creator, the creator's manager, or a lending admin changes an interaction."""
    if interaction.created_by_id == user.pk:
        return True
    if lending_role(user) is LendingRole.ADMIN:
        return True
    return interaction.created_by.manager_id == user.pk


def _require_edit_rights(user, interaction: Interaction) -> None:
    if not interaction_may_edit(user, interaction):
        raise PermissionDenied("Only the creator or their manager can change this interaction.")


def loans_follow_up_refresh(loan_ids: Iterable[int]) -> None:
    """Set each loan's next follow-up from its latest interaction, in one statement."""
    latest = Interaction.objects.filter(loan=OuterRef("pk")).order_by("-timestamp", "-id")
    for batch in lookup_batches("pk", sorted(set(loan_ids))):
        Loan.objects.filter(batch).update(
            next_follow_up_date=Subquery(latest.values("next_call_date")[:1]),
            next_follow_up_by=Subquery(latest.values("created_by")[:1]),
        )


def interaction_create(*, actor, interaction_type: str, data: dict) -> Interaction:
    now = timezone.now()
    with transaction.atomic():
        interaction = Interaction.objects.create(
            **data,
            interaction_type=interaction_type,
            created_by=actor,
            timestamp=now,
            updated_at=now,
        )
        loans_follow_up_refresh([interaction.loan_id])
        audit_record(
            action="lending.interaction_created",
            actor=actor,
            target=interaction,
            after=snapshot(interaction),
        )
    return interaction


def interaction_update(*, actor, interaction: Interaction, changes: dict) -> Interaction:
    _require_edit_rights(actor, interaction)
    with transaction.atomic():
        interaction = Interaction.objects.select_for_update().get(pk=interaction.pk)
        before = snapshot(interaction)
        for field, value in changes.items():
            setattr(interaction, field, value)
        old, new = changed(before, snapshot(interaction))
        if not new:
            return interaction
        interaction.updated_at = timezone.now()
        interaction.save(update_fields=[*new, "updated_at"])
        loans_follow_up_refresh([interaction.loan_id])
        audit_record(
            action="lending.interaction_updated",
            actor=actor,
            target=interaction,
            before=old,
            after=new,
        )
    return interaction


def interaction_delete(*, actor, interaction: Interaction) -> None:
    _require_edit_rights(actor, interaction)
    with transaction.atomic():
        audit_record(
            action="lending.interaction_deleted",
            actor=actor,
            target=interaction,
            before=snapshot(interaction),
        )
        loan_id = interaction.loan_id
        interaction.delete()
        loans_follow_up_refresh([loan_id])
