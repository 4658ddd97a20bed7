"""The wallet and its ledger: the only code that changes a balance.

Every change is one conditional UPDATE of the wallet row (`... WHERE balance +
amount >= 0 RETURNING balance`) and one ledger entry, in one transaction. The
UPDATE takes the row lock and checks the balance in the same statement, so
concurrent debits queue on the row and none can overdraw it; the entry records
the signed amount and the balance it left. So the balance always equals the sum
of its entries, and never goes below zero (the database's CheckConstraint
holds the same line).

Lock order: the audit chain's lock is held from a transaction's first audit
event to its commit, so a transaction takes every row lock it needs before
that first event. Waiting for a row while holding the chain lock could
deadlock with the row's holder waiting for the chain.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.selectors import user_exists
from audit.services import audit_record
from config.exceptions import Conflict
from config.money import ZERO, money
from recharge.errors import InsufficientBalance
from recharge.models import (
    LedgerEntry,
    Transaction,
    TxnCategory,
    TxnSource,
    TxnStatus,
    TxnType,
    UserPlan,
    UserPlanStatus,
    Wallet,
)


@dataclass(frozen=True)
class Movement:
    entry: LedgerEntry
    balance_before: Decimal
    balance_after: Decimal


def wallet_get_or_create(*, user_id: int) -> Wallet:
    wallet = Wallet.objects.filter(user_id=user_id).first()
    if wallet is not None:
        return wallet
    try:
        with transaction.atomic():
            return Wallet.objects.create(user_id=user_id)
    except IntegrityError:
        # Another request created it between our read and our insert.
        return Wallet.objects.get(user_id=user_id)


def wallet_balance(*, user_id: int) -> Decimal:
    balance = Wallet.objects.filter(user_id=user_id).values_list("balance", flat=True).first()
    return money(balance) if balance is not None else ZERO


def _sql_names() -> dict:
    qn = connection.ops.quote_name
    return {"wallet": qn(Wallet._meta.db_table), "ledger": qn(LedgerEntry._meta.db_table)}


def _apply(
    *,
    user_id: int,
    delta: Decimal,
    txn_id: int,
    description: str,
    reverses_id: int | None,
    at,
) -> tuple[int, int, Decimal] | None:
    """Add `delta` to the balance unless it would go below zero, and write the entry.

    Returns (wallet id, entry id, balance after), or None when no wallet of the
    user could take it (none exists, or the balance is too low).
    """
    names = _sql_names()
    now = connection.ops.adapt_datetimefield_value(at)
    entry_values = [txn_id, delta, description, reverses_id, now]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One round trip: the row lock is held from here to the commit, so
            # the shorter the way there, the more debits a busy wallet takes.
            cursor.execute(
                f"WITH moved AS ("  # noqa: S608
                f" UPDATE {names['wallet']} SET balance = balance + %s, updated_at = %s"
                f" WHERE user_id = %s AND balance + %s >= 0 RETURNING id, balance"
                f"), entry AS ("
                f" INSERT INTO {names['ledger']}"
                f" (wallet_id, transaction_id, amount, balance_after, description, reverses_id,"
                f" created_at)"
                f" SELECT id, %s, %s, balance, %s, %s, %s FROM moved RETURNING id"
                f") SELECT moved.id, entry.id, moved.balance FROM moved, entry",
                [delta, now, user_id, delta, *entry_values],
            )
            row = cursor.fetchone()
            return (row[0], row[1], money(row[2])) if row else None
        # SQLite keeps decimals as REAL: round, so float dust never fails a check.
        cursor.execute(
            f"UPDATE {names['wallet']} SET balance = ROUND(balance + %s, 2), updated_at = %s"  # noqa: S608
            f" WHERE user_id = %s AND ROUND(balance + %s, 2) >= 0 RETURNING id, balance",
            [delta, now, user_id, delta],
        )
        moved = cursor.fetchone()
        if moved is None:
            return None
        cursor.execute(
            f"INSERT INTO {names['ledger']}"  # noqa: S608
            f" (wallet_id, transaction_id, amount, balance_after, description, reverses_id,"
            f" created_at) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [moved[0], txn_id, delta, money(moved[1]), description, reverses_id, now],
        )
        return moved[0], cursor.fetchone()[0], money(moved[1])


def _move(
    *,
    user_id: int,
    delta: Decimal,
    txn: Transaction,
    description: str = "",
    reverses: LedgerEntry | None = None,
) -> Movement:
    """Change the balance by `delta` and write its ledger entry. Call inside a transaction."""
    delta = money(delta)
    if delta == 0:
        raise ValueError("A ledger entry moves a non-zero amount.")
    description = description[:255]
    reverses_id = reverses.pk if reverses is not None else None
    args = {
        "user_id": user_id,
        "delta": delta,
        "txn_id": txn.pk,
        "description": description,
        "reverses_id": reverses_id,
        "at": timezone.now(),
    }
    applied = _apply(**args)
    if applied is None:
        if delta < 0:
            raise InsufficientBalance()
        wallet_get_or_create(user_id=user_id)
        applied = _apply(**args)
    wallet_id, entry_id, balance_after = applied
    entry = LedgerEntry(
        id=entry_id,
        wallet_id=wallet_id,
        transaction=txn,
        amount=delta,
        balance_after=balance_after,
        reverses_id=reverses_id,
        description=description,
        created_at=args["at"],
    )
    entry._state.adding = False
    return Movement(entry=entry, balance_before=balance_after - delta, balance_after=balance_after)


def _audit_movement(*, action: str, actor, txn: Transaction, movement: Movement, details: dict):
    audit_record(
        action=action,
        actor=actor,
        target_type="recharge.wallet",
        target_id=movement.entry.wallet_id,
        before={"balance": str(movement.balance_before)},
        after={
            "balance": str(movement.balance_after),
            "amount": str(movement.entry.amount),
            "txn_id": txn.pk,
            "ledger_entry_id": movement.entry.pk,
            **details,
        },
    )


def wallet_credit(
    *,
    user_id: int,
    amount: Decimal,
    txn: Transaction,
    actor=None,
    description: str = "",
    audit_action: str = "recharge.wallet_credited",
    audit_details: dict | None = None,
) -> Movement:
    """Add `amount` (> 0) to the user's wallet, creating the wallet on first use."""
    if money(amount) <= 0:
        raise ValueError("A credit is a positive amount.")
    # No savepoint of its own: a failure here fails the caller's transaction.
    with transaction.atomic(savepoint=False):
        movement = _move(user_id=user_id, delta=amount, txn=txn, description=description)
        _audit_movement(
            action=audit_action,
            actor=actor,
            txn=txn,
            movement=movement,
            details=audit_details or {},
        )
    return movement


def wallet_debit(
    *,
    user_id: int,
    amount: Decimal,
    txn: Transaction,
    actor=None,
    description: str = "",
    audit_action: str | None = "recharge.wallet_debited",
    audit_details: dict | None = None,
) -> Movement:
    """Take `amount` (> 0) from the user's wallet, or raise InsufficientBalance and move nothing.

    `audit_action=None` is for a caller that records the movement in an audit
    event of its own in the same transaction (an autopay batch lists each of
    its charges in one event).
    """
    if money(amount) <= 0:
        raise ValueError("A debit is a positive amount.")
    # No savepoint of its own (two round trips saved inside a caller's transaction):
    # a refused debit has written nothing, so it leaves the block normally and
    # is raised after it, leaving the caller's transaction usable.
    with transaction.atomic(savepoint=False):
        movement = _apply_debit(
            user_id=user_id, amount=money(amount), txn=txn, description=description
        )
        if movement is not None and audit_action is not None:
            _audit_movement(
                action=audit_action,
                actor=actor,
                txn=txn,
                movement=movement,
                details=audit_details or {},
            )
    if movement is None:
        raise InsufficientBalance()
    return movement


def _apply_debit(*, user_id: int, amount: Decimal, txn: Transaction, description: str):
    try:
        return _move(user_id=user_id, delta=-amount, txn=txn, description=description)
    except InsufficientBalance:
        return None


def ledger_entry_reverse(*, entry_id: int, actor, reason: str) -> Movement:
    """Correct a ledger entry by writing its opposite; the entry itself never changes.

    Reversing a credit that has since been spent would overdraw the wallet, and
    is refused like any other debit. The transaction the entry belonged to is
    marked reversed, and a plan it bought is cancelled.
    """
    with transaction.atomic():
        original = LedgerEntry.objects.select_related("transaction", "wallet").get(pk=entry_id)
        # The wallet lock serialises reversals of this wallet's entries.
        Wallet.objects.select_for_update().filter(pk=original.wallet_id).first()
        if LedgerEntry.objects.filter(reverses=original).exists():
            raise Conflict("This ledger entry has already been reversed.")
        if original.reverses_id is not None:
            raise Conflict("A reversing entry is not reversed; write a new movement instead.")
        paid = original.transaction
        correction = Transaction.objects.create(
            user_id=original.wallet.user_id,
            category=paid.category,
            txn_type=TxnType.DEBIT if original.amount > 0 else TxnType.CREDIT,
            amount=abs(original.amount),
            source=TxnSource.REVERSAL,
            status=TxnStatus.SUCCESS,
            payment_method=paid.payment_method,
            phone_number=paid.phone_number,
            plan_id=paid.plan_id,
            reverses=paid,
            failure_reason="",
        )
        movement = _move(
            user_id=original.wallet.user_id,
            delta=-original.amount,
            txn=correction,
            description=f"Reversal of entry {original.pk}: {reason}",
            reverses=original,
        )
        Transaction.objects.filter(pk=paid.pk, status=TxnStatus.SUCCESS).update(
            status=TxnStatus.REVERSED, updated_at=timezone.now()
        )
        UserPlan.objects.filter(transaction_id=paid.pk).exclude(
            status=UserPlanStatus.EXPIRED
        ).update(status=UserPlanStatus.CANCELLED, updated_at=timezone.now())
        _audit_movement(
            action="recharge.ledger_entry_reversed",
            actor=actor,
            txn=correction,
            movement=movement,
            details={
                "reverses_entry_id": original.pk,
                "reverses_txn_id": paid.pk,
                "reason": reason,
            },
        )
    return movement


def wallet_credit_by_staff(*, user_id: int, amount: Decimal, actor, reason: str) -> Transaction:
    """Put money in a user's wallet by hand (a goodwill credit, a correction), audited.

    The only way money enters a wallet without a provider; it needs the
    `recharge.credit_wallet` permission, checked by the caller.
    """
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": ["Enter an amount above zero."]})
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the wallet is credited."]})
    if not user_exists(user_id=user_id):
        raise ValidationError({"user_id": ["No such user."]})
    with transaction.atomic():
        txn = Transaction.objects.create(
            user_id=user_id,
            category=TxnCategory.WALLET,
            txn_type=TxnType.CREDIT,
            amount=amount,
            source=TxnSource.ADJUSTMENT,
            status=TxnStatus.SUCCESS,
        )
        wallet_credit(
            user_id=user_id,
            amount=amount,
            txn=txn,
            actor=actor,
            description=f"Credit by staff: {reason}",
            audit_action="recharge.wallet_credited_by_staff",
            audit_details={"reason": reason},
        )
    return txn
