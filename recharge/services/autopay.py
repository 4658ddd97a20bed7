"""Autopay: standing orders that buy a plan from the wallet on each due date.

The owner's side: create, edit, remove. Running them is `services.autopay_run`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from recharge.models import Autopay, AutopayStatus, CatalogStatus, Plan

AUTOPAY_FIELDS = ("plan_id", "phone_number", "tag", "next_due_date", "status")


def _snapshot(autopay: Autopay) -> dict:
    return {field: getattr(autopay, field) for field in AUTOPAY_FIELDS}


# --- The owner's autopays ---------------------------------------------------------


def autopay_create(
    *,
    user: User,
    plan: Plan,
    phone_number: str,
    tag: str = "",
    next_due_date=None,
    status: str = AutopayStatus.ENABLED,
) -> Autopay:
    if plan.status != CatalogStatus.ACTIVE:
        raise ValidationError({"plan_id": ["This plan is not available."]})
    with transaction.atomic():
        autopay = Autopay.objects.create(
            user=user,
            plan=plan,
            phone_number=phone_number,
            tag=tag,
            next_due_date=next_due_date or timezone.now(),
            status=status,
        )
        audit_record(
            action="recharge.autopay_created", actor=user, target=autopay, after=_snapshot(autopay)
        )
    return autopay


def autopay_update(*, user: User, autopay: Autopay, data: dict) -> Autopay:
    """Change an autopay; enabling it again starts its failure count afresh."""
    with transaction.atomic():
        autopay = Autopay.objects.select_for_update().get(pk=autopay.pk, user=user)
        before = _snapshot(autopay)
        new_plan = data.get("plan")
        changes_plan = new_plan is not None and new_plan.pk != autopay.plan_id
        if changes_plan and new_plan.status != CatalogStatus.ACTIVE:
            raise ValidationError({"plan_id": ["This plan is not available."]})
        changed = []
        for field, value in data.items():
            setattr(autopay, field, value)
            changed.append(field)
        if (
            data.get("status") == AutopayStatus.ENABLED
            and before["status"] != AutopayStatus.ENABLED
        ):
            autopay.failure_count, autopay.retry_at, autopay.last_failure_reason = 0, None, ""
            changed += ["failure_count", "retry_at", "last_failure_reason"]
        autopay.save(update_fields=[*changed, "updated_at"])
        audit_record(
            action="recharge.autopay_updated",
            actor=user,
            target=autopay,
            before=before,
            after=_snapshot(autopay),
        )
    return autopay


def autopay_remove(*, user: User, autopay: Autopay) -> None:
    """Remove an autopay from its owner's view; its charge history stays."""
    with transaction.atomic():
        autopay = Autopay.objects.select_for_update().get(pk=autopay.pk, user=user)
        before = _snapshot(autopay)
        autopay.status = AutopayStatus.DISABLED
        autopay.removed_at = timezone.now()
        autopay.save(update_fields=["status", "removed_at", "updated_at"])
        audit_record(action="recharge.autopay_removed", actor=user, target=autopay, before=before)
