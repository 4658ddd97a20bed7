"""Running the due autopays.

`autopay_process_due` is the one piece of work behind the admin endpoint, the
Celery beat task and the management command. A batch is one transaction:

1. claim due autopays with `SELECT ... FOR UPDATE SKIP LOCKED`, so several
   workers share the load without waiting on each other;
2. lock their wallets (skipping, for the next run, any another transaction
   holds), so every row lock is taken before the batch's first audit event;
3. charge each payable autopay through the wallet service, and write one audit
   event itemising the batch's charges;
4. record the plans bought and the charge rows, advance the due dates by the
   plan's validity, record failures (retried later, then disabled), commit.

A crash anywhere before the commit leaves no charge and the autopays still
due. The unique (autopay, due_date) charge row is the last line: one due date
is charged at most once, whatever retries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from config.money import money
from recharge.models import (
    ActivationMode,
    Autopay,
    AutopayCharge,
    AutopayChargeStatus,
    AutopayStatus,
    CatalogStatus,
    PaymentMethod,
    Transaction,
    TxnCategory,
    TxnSource,
    TxnStatus,
    TxnType,
    UserPlan,
    UserPlanStatus,
    Wallet,
)
from recharge.services.fulfilment import fulfilments_open
from recharge.services.referrals import referral_after_paid_recharge
from recharge.services.wallet import wallet_debit


def max_attempts() -> int:
    return getattr(settings, "RECHARGE_AUTOPAY_MAX_ATTEMPTS", 3)


def retry_delay() -> timedelta:
    return timedelta(minutes=getattr(settings, "RECHARGE_AUTOPAY_RETRY_MINUTES", 60))


@dataclass(frozen=True)
class AutopayOutcome:
    autopay_id: int
    status: str  # processed, failed, disabled, skipped
    message: str


def due_autopays(*, now):
    return Autopay.objects.filter(
        status=AutopayStatus.ENABLED,
        removed_at__isnull=True,
        next_due_date__lte=now,
    ).filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))


def _fail(autopay: Autopay, *, due_date, charge: AutopayCharge | None, reason: str, now) -> str:
    """Record a failed attempt; after the last allowed one, disable the autopay."""
    reason = reason[:255]
    if charge is None:
        charge = AutopayCharge.objects.create(
            autopay=autopay, due_date=due_date, status=AutopayChargeStatus.FAILED, message=reason
        )
    else:
        charge.attempts += 1
        charge.message = reason
        charge.save(update_fields=["attempts", "message", "updated_at"])
    autopay.failure_count += 1
    autopay.last_failure_reason = reason
    autopay.retry_at = now + retry_delay()
    disabled = autopay.failure_count >= max_attempts()
    if disabled:
        autopay.status = AutopayStatus.DISABLED
    autopay.save(
        update_fields=["failure_count", "last_failure_reason", "retry_at", "status", "updated_at"]
    )
    audit_record(
        action="recharge.autopay_disabled" if disabled else "recharge.autopay_failed",
        target=autopay,
        after={
            "due_date": due_date.isoformat(),
            "attempts": charge.attempts,
            "reason": reason,
            "status": autopay.status,
        },
    )
    return "disabled" if disabled else "failed"


def _claim(*, now, run_started, size: int, passed: set[int]) -> list[Autopay]:
    return list(
        due_autopays(now=now)
        # Charged in this run already (the next due date may still be past): next run.
        .filter(Q(last_charged_at__isnull=True) | Q(last_charged_at__lt=run_started))
        .exclude(pk__in=passed)
        .select_related("plan", "user")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("next_due_date", "pk")[:size]
    )


def _lock_wallets(user_ids: set[int]) -> tuple[dict[int, Decimal], set[int]]:
    """Lock the batch's wallets now, before any audit event: (balances, users whose wallet is busy).

    Wallets held by another transaction are skipped rather than waited for, so
    a run never waits on a row while it holds the audit chain (see services.wallet).
    """
    locked = dict(
        Wallet.objects.select_for_update(skip_locked=True)
        .filter(user_id__in=user_ids)
        .order_by("pk")
        .values_list("user_id", "balance")
    )
    existing = set(Wallet.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    return {uid: money(balance) for uid, balance in locked.items()}, existing - set(locked)


def _charge_all(
    claimed: list[Autopay], *, charges: dict, balances: dict, now
) -> tuple[list[tuple[Autopay, Transaction]], dict[int, str]]:
    """Charge every autopay the batch can pay: (the charged with their transactions, failures)."""
    payable: list[Autopay] = []
    failures: dict[int, str] = {}
    for autopay in claimed:
        price = money(autopay.plan.price)
        if autopay.plan.status != CatalogStatus.ACTIVE:
            failures[autopay.pk] = "the plan is no longer available"
        elif autopay.user_id not in balances or balances[autopay.user_id] < price:
            # No wallet is no balance: nothing to debit, even for a free plan.
            failures[autopay.pk] = "insufficient wallet balance"
        else:
            balances[autopay.user_id] -= price  # the wallet is locked: this is its balance
            payable.append(autopay)
    txns = Transaction.objects.bulk_create(
        Transaction(
            user_id=autopay.user_id,
            category=TxnCategory.SERVICE,
            txn_type=TxnType.DEBIT,
            amount=money(autopay.plan.price),
            gross_amount=money(autopay.plan.price),
            source=TxnSource.AUTOPAY,
            status=TxnStatus.SUCCESS,
            payment_method=PaymentMethod.WALLET,
            service_type=autopay.plan.plan_type,
            phone_number=autopay.phone_number,
            plan_id=autopay.plan_id,
        )
        for autopay in payable
    )
    charged = list(zip(payable, txns, strict=True))
    items = []
    for autopay, txn in charged:
        item = {
            "autopay_id": autopay.pk,
            "user_id": autopay.user_id,
            "plan_id": autopay.plan_id,
            "due_date": autopay.next_due_date.isoformat(),
            "txn_id": txn.pk,
            "amount": str(txn.amount),
        }
        if txn.amount > 0:
            # Cannot be refused: the wallet is locked and its balance was checked above.
            movement = wallet_debit(
                user_id=autopay.user_id,
                amount=txn.amount,
                txn=txn,
                description=f"Autopay {autopay.pk}",
                audit_action=None,  # listed in the batch's event below
            )
            item.update(
                wallet_id=movement.entry.wallet_id,
                ledger_entry_id=movement.entry.pk,
                balance_before=str(movement.balance_before),
                balance_after=str(movement.balance_after),
            )
        items.append(item)
    if items:
        # One event per committed batch, itemising every charge of it: the audit
        # chain's lock and hash per event would otherwise cost more than the charge.
        audit_record(
            action="recharge.autopay_charged",
            target_type="recharge.autopay_batch",
            description=f"{len(items)} autopay charges.",
            after={"charges": items},
        )
    return charged, failures


def _record_charges(charged: list[tuple[Autopay, Transaction]], *, charges: dict, now) -> None:
    """The plans bought and the charge rows of a batch, in bulk."""
    phones = {autopay.phone_number for autopay, _ in charged}
    ends = dict(
        UserPlan.objects.filter(
            phone_number__in=phones,
            status__in=[UserPlanStatus.ACTIVE, UserPlanStatus.QUEUED],
            valid_to__gt=now,
        )
        .values("phone_number")
        .annotate(end=Max("valid_to"))
        .values_list("phone_number", "end")
    )
    plans, new_charges = [], []
    for autopay, txn in charged:
        # A renewal starts when the number's current plans end.
        starts = max(now, ends.get(autopay.phone_number) or now)
        ends[autopay.phone_number] = valid_to = starts + timedelta(days=autopay.plan.validity)
        plans.append(
            UserPlan(
                user_id=autopay.user_id,
                plan_id=autopay.plan_id,
                transaction=txn,
                phone_number=autopay.phone_number,
                activation_mode=ActivationMode.QUEUE,
                valid_from=starts,
                valid_to=valid_to,
                status=UserPlanStatus.ACTIVE if starts <= now else UserPlanStatus.QUEUED,
            )
        )
        charge = charges.get(autopay.pk)
        if charge is None:
            new_charges.append(
                AutopayCharge(
                    autopay=autopay,
                    due_date=autopay.next_due_date,
                    status=AutopayChargeStatus.SUCCEEDED,
                    transaction=txn,
                    message="success",
                )
            )
        else:  # succeeding after failed attempts at the same due date
            charge.status, charge.transaction, charge.message = (
                AutopayChargeStatus.SUCCEEDED,
                txn,
                "success",
            )
            charge.attempts += 1
            charge.save(
                update_fields=["status", "transaction", "message", "attempts", "updated_at"]
            )
    UserPlan.objects.bulk_create(plans)
    AutopayCharge.objects.bulk_create(new_charges)
    fulfilments_open(txns=[txn for _, txn in charged])


def _advance(autopays: list[Autopay]) -> None:
    """Move each due date on by its plan's validity (the rows are locked by the claim)."""
    clock = timezone.now()  # the wall clock, whatever `now` a run was asked to act at
    by_validity: dict[int, list[int]] = {}
    for autopay in autopays:
        by_validity.setdefault(autopay.plan.validity, []).append(autopay.pk)
    # One UPDATE per plan length rather than one per row.
    for days, ids in by_validity.items():
        Autopay.objects.filter(pk__in=ids).update(
            next_due_date=F("next_due_date") + timedelta(days=days),
            failure_count=0,
            retry_at=None,
            last_failure_reason="",
            last_charged_at=clock,
            updated_at=clock,
        )


def _process_batch(*, now, run_started, size: int, passed: set[int]) -> list[AutopayOutcome] | None:
    """One batch in one transaction; None when nothing was due."""
    with transaction.atomic():
        claimed = _claim(now=now, run_started=run_started, size=size, passed=passed)
        if not claimed:
            return None
        balances, busy = _lock_wallets({autopay.user_id for autopay in claimed})
        passed.update(autopay.pk for autopay in claimed if autopay.user_id in busy)
        claimed = [autopay for autopay in claimed if autopay.user_id not in busy]
        due = {autopay.pk: autopay.next_due_date for autopay in claimed}
        charges = {
            charge.autopay_id: charge
            for charge in AutopayCharge.objects.filter(
                autopay__in=claimed, due_date__in=set(due.values())
            )
            if due[charge.autopay_id] == charge.due_date
        }
        # Paid for this due date already: never again, only the date moves on.
        already = {
            pk for pk, charge in charges.items() if charge.status == AutopayChargeStatus.SUCCEEDED
        }
        charged, failures = _charge_all(
            [autopay for autopay in claimed if autopay.pk not in already],
            charges=charges,
            balances=balances,
            now=now,
        )
        _record_charges(charged, charges=charges, now=now)
        _advance(
            [autopay for autopay in claimed if autopay.pk in already] + [a for a, _ in charged]
        )
        outcomes = []
        for autopay in claimed:
            if autopay.pk in failures:
                reason = failures[autopay.pk]
                status = _fail(
                    autopay,
                    due_date=due[autopay.pk],
                    charge=charges.get(autopay.pk),
                    reason=reason,
                    now=now,
                )
                outcomes.append(AutopayOutcome(autopay.pk, status, reason))
            elif autopay.pk in already:
                outcomes.append(
                    AutopayOutcome(autopay.pk, "skipped", "already charged for this due date")
                )
            else:
                outcomes.append(AutopayOutcome(autopay.pk, "processed", "success"))
        for autopay, txn in charged:
            if txn.amount > 0:
                referral_after_paid_recharge(referee=autopay.user)
        return outcomes


def autopay_process_due(
    *,
    now=None,
    limit: int | None = None,
    batch_size: int = 100,
    actor: User | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> list[AutopayOutcome]:
    """Charge every autopay due at `now` (at most `limit`), one result per autopay.

    Each batch is claimed, charged and committed in one transaction, together
    with the advanced due dates: a crash before the commit leaves no charge and
    the autopays still due. An autopay whose wallet another transaction holds
    is left for the next run.
    """
    now = now or timezone.now()
    run_started = timezone.now()
    outcomes: list[AutopayOutcome] = []
    passed: set[int] = set()
    while limit is None or len(outcomes) < limit:
        size = batch_size if limit is None else min(batch_size, limit - len(outcomes))
        batch = _process_batch(now=now, run_started=run_started, size=size, passed=passed)
        if batch is None:
            break
        outcomes.extend(batch)
        if on_progress is not None and batch:
            on_progress(len(batch))
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    with transaction.atomic():
        audit_record(
            action="recharge.autopay_run",
            actor=actor,
            description="Due autopays processed.",
            after={"at": now.isoformat(), "total": len(outcomes), **counts},
        )
    return outcomes
