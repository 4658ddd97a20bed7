"""Administration of plan groups and plans (offers: `services.offers`).

Something that history points at (a plan someone bought, an offer someone
redeemed) is retired, never erased; names are unique whatever their case.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.services import audit_record
from config.exceptions import Conflict
from recharge.errors import InUse
from recharge.models import (
    Autopay,
    CatalogStatus,
    Plan,
    PlanGroup,
    Transaction,
)

PLAN_FIELDS = (
    "plan_name",
    "plan_type",
    "group_id",
    "validity",
    "price",
    "most_popular",
    "description",
    "criteria",
    "status",
)


def snapshot(obj, fields) -> dict:
    return {field: getattr(obj, field) for field in fields}


def ensure_unique_name(model, field: str, value: str, *, exclude_pk=None, message: str) -> None:
    clash = model.objects.filter(**{f"{field}__iexact": value.strip()})
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({field: [message]})


def save_unique(obj, **kwargs) -> None:
    """Save; a unique name taken by a concurrent request becomes a 409, not a 500."""
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError as exc:
        raise Conflict("Another request has just used this name.") from exc


# --- Plan groups ----------------------------------------------------------------


def plan_group_create(*, actor, group_name: str) -> PlanGroup:
    ensure_unique_name(PlanGroup, "group_name", group_name, message="A plan group has this name.")
    with transaction.atomic():
        group = PlanGroup(group_name=group_name.strip())
        save_unique(group, force_insert=True)
        audit_record(
            action="recharge.plan_group_created",
            actor=actor,
            target=group,
            after={"group_name": group.group_name},
        )
    return group


def plan_group_update(*, actor, group: PlanGroup, group_name: str) -> PlanGroup:
    ensure_unique_name(
        PlanGroup,
        "group_name",
        group_name,
        exclude_pk=group.pk,
        message="A plan group has this name.",
    )
    with transaction.atomic():
        before = {"group_name": group.group_name}
        group.group_name = group_name.strip()
        save_unique(group, update_fields=["group_name", "updated_at"])
        audit_record(
            action="recharge.plan_group_updated",
            actor=actor,
            target=group,
            before=before,
            after={"group_name": group.group_name},
        )
    return group


def plan_group_delete(*, actor, group: PlanGroup) -> None:
    with transaction.atomic():
        if Plan.objects.filter(group=group).exists():
            raise InUse("This plan group still has plans; move them to another group first.")
        audit_record(
            action="recharge.plan_group_deleted",
            actor=actor,
            target=group,
            before={"group_name": group.group_name},
        )
        group.delete()


# --- Plans ----------------------------------------------------------------------


def plan_create(*, actor, data: dict) -> Plan:
    with transaction.atomic():
        plan = Plan(**data)
        plan.save(force_insert=True)
        audit_record(
            action="recharge.plan_created",
            actor=actor,
            target=plan,
            after=snapshot(plan, PLAN_FIELDS),
        )
    return plan


def plan_update(*, actor, plan: Plan, data: dict) -> Plan:
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        before = snapshot(plan, PLAN_FIELDS)
        for field, value in data.items():
            setattr(plan, field, value)
        plan.save(update_fields=[*data, "updated_at"])
        audit_record(
            action="recharge.plan_updated",
            actor=actor,
            target=plan,
            before=before,
            after=snapshot(plan, PLAN_FIELDS),
        )
    return plan


def plan_in_use(plan: Plan) -> bool:
    return (
        Transaction.objects.filter(plan=plan).exists() or Autopay.objects.filter(plan=plan).exists()
    )


def plan_delete(*, actor, plan: Plan) -> str:
    """Erase a plan nobody has used; retire one that history points at. Returns which."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        before = snapshot(plan, PLAN_FIELDS)
        if plan_in_use(plan):
            plan.status = CatalogStatus.RETIRED
            plan.most_popular = False
            plan.save(update_fields=["status", "most_popular", "updated_at"])
            audit_record(
                action="recharge.plan_retired",
                actor=actor,
                target=plan,
                before=before,
                after=snapshot(plan, PLAN_FIELDS),
            )
            return "retired"
        audit_record(action="recharge.plan_deleted", actor=actor, target=plan, before=before)
        plan.delete()
        return "deleted"
