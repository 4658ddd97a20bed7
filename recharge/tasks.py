"""Background jobs of the recharge app; each calls a service."""

from celery import shared_task

from recharge.services.autopay_run import autopay_process_due
from recharge.services.fulfilment import (
    fulfilment_submit,
    fulfilments_recheck,
    fulfilments_submit,
)
from recharge.services.plans import user_plans_roll
from recharge.services.referrals import referral_settle_for, referrals_settle


@shared_task(name="recharge.tasks.autopay_process_due")
def autopay_process_due_task() -> dict:
    outcomes = autopay_process_due()
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    return counts


@shared_task(name="recharge.tasks.user_plans_roll")
def user_plans_roll_task() -> dict:
    return user_plans_roll()


@shared_task(name="recharge.tasks.referral_settle")
def referral_settle_task(referee_id: int) -> bool:
    return referral_settle_for(referee_id=referee_id)


@shared_task(name="recharge.tasks.referrals_settle")
def referrals_settle_task() -> dict:
    return referrals_settle()


@shared_task(name="recharge.tasks.fulfilment_submit")
def fulfilment_submit_task(fulfilment_id: int) -> str:
    return fulfilment_submit(fulfilment_id=fulfilment_id).status


@shared_task(name="recharge.tasks.fulfilments_submit")
def fulfilments_submit_task(fulfilment_ids: list[int]) -> dict:
    return fulfilments_submit(fulfilment_ids=fulfilment_ids)


@shared_task(name="recharge.tasks.fulfilments_recheck")
def fulfilments_recheck_task() -> dict:
    return fulfilments_recheck()
