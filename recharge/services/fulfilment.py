"""Handing paid recharges to the operator aggregator, and giving the money back when it fails.

`fulfilment_open` is called inside the purchase's transaction; the aggregator
is called by a task after the commit, never while a row is locked. A claim
(`initiated -> pending`, a conditional UPDATE) keeps two workers from
submitting one recharge; the aggregator de-duplicates by our reference, so a
submission whose answer was lost is asked about again rather than resent.
A failure refunds in the transaction that records it: from the wallet by a
reversing ledger entry, through the provider by a refund of the payment.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.services import audit_record
from config.exceptions import Conflict
from config.tasks import enqueue_on_commit
from payments.errors import RefundRefused
from payments.services.refunds import payment_refund
from recharge.aggregators import (
    FAILED,
    PENDING,
    SUCCESS,
    AggregatorUnavailable,
    FulfilmentResult,
    get_aggregator,
)
from recharge.models import (
    Fulfilment,
    FulfilmentStatus,
    LedgerEntry,
    Transaction,
    TxnStatus,
    UserPlan,
    UserPlanStatus,
)
from recharge.services.wallet import ledger_entry_reverse

OPEN = (FulfilmentStatus.INITIATED, FulfilmentStatus.PENDING)


def fulfilment_open(*, txn: Transaction) -> Fulfilment:
    """Record that a paid recharge is to be delivered; it is sent once the purchase commits."""
    fulfilment = Fulfilment.objects.create(transaction=txn, aggregator=get_aggregator().name)
    enqueue_on_commit("recharge.tasks.fulfilment_submit", fulfilment.pk)
    return fulfilment


def fulfilments_open(*, txns: list[Transaction]) -> list[Fulfilment]:
    """`fulfilment_open` for a batch (autopay), sent by one task."""
    name = get_aggregator().name
    created = Fulfilment.objects.bulk_create(
        Fulfilment(transaction=txn, aggregator=name) for txn in txns
    )
    if created:
        enqueue_on_commit("recharge.tasks.fulfilments_submit", [f.pk for f in created])
    return created


def fulfilment_submit(*, fulfilment_id: int) -> Fulfilment:
    """Send one initiated recharge to the aggregator and record its answer."""
    fulfilments_submit(fulfilment_ids=[fulfilment_id])
    return Fulfilment.objects.get(pk=fulfilment_id)


def _claim(fulfilment_ids: list[int], *, now) -> list[Fulfilment]:
    """Take the initiated ones among `fulfilment_ids` (skipping any another worker holds)."""
    with transaction.atomic():
        claimed = list(
            Fulfilment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("transaction")
            .filter(pk__in=fulfilment_ids, status=FulfilmentStatus.INITIATED)
            .order_by("pk")
        )
        Fulfilment.objects.filter(pk__in=[f.pk for f in claimed]).update(
            status=FulfilmentStatus.PENDING,
            attempts=F("attempts") + 1,
            submitted_at=now,
            updated_at=now,
        )
    return claimed


def fulfilments_submit(*, fulfilment_ids: list[int]) -> dict:
    """Send initiated recharges to the aggregator; record the delivered ones in one go.

    Failures are settled one by one (each refunds); successes, the common case,
    in one UPDATE and one audit event, so a large autopay run stays cheap.
    """
    aggregator = get_aggregator()
    claimed = _claim(fulfilment_ids, now=timezone.now())
    counts = {"success": 0, "failed": 0, "pending": 0}
    delivered: list[tuple[Fulfilment, FulfilmentResult]] = []
    for fulfilment in claimed:
        txn = fulfilment.transaction
        try:
            result = aggregator.submit(
                reference=str(txn.reference),
                phone_number=txn.phone_number,
                plan_id=txn.plan_id,
                amount=txn.gross_amount if txn.gross_amount is not None else txn.amount,
            )
        except AggregatorUnavailable:
            result = FulfilmentResult(PENDING)  # the recheck job asks what became of it
        if result.status == SUCCESS:
            delivered.append((fulfilment, result))
        else:
            fulfilment_settle(fulfilment_id=fulfilment.pk, result=result)
            counts[FAILED if result.status == FAILED else PENDING] += 1
    counts["success"] = _record_delivered(delivered)
    return counts


def _record_delivered(delivered: list[tuple[Fulfilment, FulfilmentResult]], *, actor=None) -> int:
    """Mark delivered recharges successful: one UPDATE and one audit event for all of them."""
    if not delivered:
        return 0
    now = timezone.now()
    with transaction.atomic():
        still_open = set(
            Fulfilment.objects.select_for_update()
            .filter(pk__in=[f.pk for f, _ in delivered], status__in=OPEN)
            .values_list("pk", flat=True)
        )
        done = []
        for fulfilment, result in delivered:
            if fulfilment.pk not in still_open:
                continue  # settled meanwhile (a recheck): its verdict stands
            fulfilment.status = FulfilmentStatus.SUCCESS
            fulfilment.aggregator_reference = result.reference
            fulfilment.operator = result.operator
            fulfilment.completed_at = fulfilment.updated_at = now
            done.append(fulfilment)
        Fulfilment.objects.bulk_update(
            done, ["status", "aggregator_reference", "operator", "completed_at", "updated_at"]
        )
        if done:
            items = [
                {
                    "fulfilment_id": f.pk,
                    "txn_id": f.transaction_id,
                    "aggregator_reference": f.aggregator_reference,
                }
                for f in done
            ]
            audit_record(
                action="recharge.fulfilment_success",
                actor=actor,
                target=done[0] if len(done) == 1 else None,
                target_type="" if len(done) == 1 else "recharge.fulfilment_batch",
                before={"status": FulfilmentStatus.PENDING},
                after={
                    "status": FulfilmentStatus.SUCCESS,
                    "aggregator": done[0].aggregator,
                    "items": items,
                },
            )
    return len(done)


def fulfilment_settle(*, fulfilment_id: int, result: FulfilmentResult, actor=None) -> Fulfilment:
    """Record the aggregator's verdict on an open recharge; a failure refunds it once."""
    if result.status == SUCCESS:
        fulfilment = Fulfilment.objects.get(pk=fulfilment_id)
        _record_delivered([(fulfilment, result)], actor=actor)
        fulfilment.refresh_from_db()
        return fulfilment
    with transaction.atomic():
        fulfilment = (
            Fulfilment.objects.select_for_update(of=("self",))
            .select_related("transaction")
            .get(pk=fulfilment_id)
        )
        if fulfilment.status not in OPEN:
            return fulfilment
        fulfilment.aggregator_reference = result.reference or fulfilment.aggregator_reference
        fulfilment.operator = result.operator or fulfilment.operator
        if result.status == PENDING:
            fulfilment.save(update_fields=["aggregator_reference", "operator", "updated_at"])
            return fulfilment
        before = fulfilment.status
        fulfilment.status = FulfilmentStatus.FAILED
        fulfilment.completed_at = timezone.now()
        fulfilment.failure_reason = (result.message or "")[:255]
        refund = _refund(fulfilment, actor=actor)
        fulfilment.save(
            update_fields=[
                "status",
                "aggregator_reference",
                "operator",
                "failure_reason",
                "completed_at",
                "refund_transaction",
                "updated_at",
            ]
        )
        audit_record(
            action="recharge.fulfilment_failed",
            actor=actor,
            target=fulfilment,
            before={"status": before},
            after={
                "status": fulfilment.status,
                "txn_id": fulfilment.transaction_id,
                "aggregator": fulfilment.aggregator,
                "aggregator_reference": fulfilment.aggregator_reference,
                "reason": fulfilment.failure_reason,
                "refund": refund,
            },
        )
    return fulfilment


def _refund(fulfilment: Fulfilment, *, actor) -> dict | None:
    """Give back what a failed recharge was paid with. Call with the fulfilment locked."""
    txn = fulfilment.transaction
    reason = f"Recharge failed at the operator: {fulfilment.failure_reason or 'no reason given'}"
    if txn.payment_id is not None:
        try:
            refund = payment_refund(
                payment_id=txn.payment_id,
                reason=reason,
                key=f"fulfilment:{fulfilment.pk}",
                actor=actor,
            )
        except RefundRefused:
            refund = None  # refunded in full already (by staff): nothing is left to give
        _cancel(txn, reason)
        return {"payment_refund": str(refund.reference)} if refund else None
    debit = LedgerEntry.objects.filter(transaction=txn, amount__lt=0, reverses__isnull=True).first()
    if debit is None:
        _cancel(txn, reason)  # nothing was paid (a free plan)
        return None
    try:
        movement = ledger_entry_reverse(entry_id=debit.pk, actor=actor, reason=reason)
    except Conflict:
        _cancel(txn, reason)  # reversed already by staff
        return None
    fulfilment.refund_transaction_id = movement.entry.transaction_id
    Transaction.objects.filter(pk=txn.pk).update(failure_reason=reason[:255])
    return {"wallet_txn_id": movement.entry.transaction_id, "amount": str(-debit.amount)}


def _cancel(txn: Transaction, reason: str) -> None:
    now = timezone.now()
    Transaction.objects.filter(pk=txn.pk, status=TxnStatus.SUCCESS).update(
        status=TxnStatus.REVERSED, failure_reason=reason[:255], updated_at=now
    )
    UserPlan.objects.filter(transaction_id=txn.pk).exclude(status=UserPlanStatus.EXPIRED).update(
        status=UserPlanStatus.CANCELLED, updated_at=now
    )


def fulfilment_recheck(*, fulfilment_id: int, actor=None) -> Fulfilment:
    """Ask the aggregator about one open recharge (or send it, if it never was)."""
    fulfilment = Fulfilment.objects.select_related("transaction").get(pk=fulfilment_id)
    if fulfilment.status == FulfilmentStatus.INITIATED:
        return fulfilment_submit(fulfilment_id=fulfilment_id)
    if fulfilment.status != FulfilmentStatus.PENDING:
        return fulfilment
    txn = fulfilment.transaction
    result = get_aggregator().status(reference=str(txn.reference), phone_number=txn.phone_number)
    return fulfilment_settle(fulfilment_id=fulfilment_id, result=result, actor=actor)


def fulfilments_recheck(*, now=None, limit: int = 1000) -> dict:
    """The sweep behind the tasks: open recharges untouched for a while are sent or asked about."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.RECHARGE_FULFILMENT_RECHECK_MINUTES)
    ids = list(
        Fulfilment.objects.filter(status__in=OPEN, updated_at__lte=stale)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"checked": 0, "success": 0, "failed": 0, "unavailable": 0}
    for fulfilment_id in ids:
        try:
            fulfilment = fulfilment_recheck(fulfilment_id=fulfilment_id)
        except AggregatorUnavailable:
            counts["unavailable"] += 1
            continue
        counts["checked"] += 1
        if fulfilment.status in (FulfilmentStatus.SUCCESS, FulfilmentStatus.FAILED):
            counts[fulfilment.status] += 1
    return counts
