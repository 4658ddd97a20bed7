"""Users' plans: when a bought plan starts and ends, and the job that moves them on."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.services import audit_record
from recharge.models import ActivationMode, Plan, Transaction, UserPlan, UserPlanStatus


def user_plan_start(
    *, user_id: int, plan: Plan, txn: Transaction, phone_number: str, mode: str, now
) -> UserPlan:
    """The plan bought by `txn`: from now, or queued after the number's current plans."""
    starts = now
    if mode == ActivationMode.QUEUE:
        last_end = UserPlan.objects.filter(
            phone_number=phone_number,
            status__in=[UserPlanStatus.ACTIVE, UserPlanStatus.QUEUED],
            valid_to__gt=now,
        ).aggregate(end=Max("valid_to"))["end"]
        starts = max(now, last_end or now)
    return UserPlan.objects.create(
        user_id=user_id,
        plan=plan,
        transaction=txn,
        phone_number=phone_number,
        activation_mode=mode,
        valid_from=starts,
        valid_to=starts + timedelta(days=plan.validity),
        status=UserPlanStatus.ACTIVE if starts <= now else UserPlanStatus.QUEUED,
    )


def user_plans_roll(*, now=None) -> dict:
    """Expire plans whose time is up and start queued plans whose time has come."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = UserPlan.objects.filter(
            status__in=[UserPlanStatus.ACTIVE, UserPlanStatus.QUEUED], valid_to__lte=now
        ).update(status=UserPlanStatus.EXPIRED, updated_at=now)
        started = UserPlan.objects.filter(
            status=UserPlanStatus.QUEUED, valid_from__lte=now, valid_to__gt=now
        ).update(status=UserPlanStatus.ACTIVE, updated_at=now)
        if expired or started:
            audit_record(
                action="recharge.user_plans_rolled",
                description="Scheduled expiry of users' plans.",
                after={"expired": expired, "started": started, "at": now.isoformat()},
            )
    return {"expired": expired, "started": started}
