"""Reseller balances and their ledger: the only code that changes a reseller's balance.

Every change is one conditional UPDATE of the account row (`... WHERE balance
+ amount >= 0 RETURNING balance`) and one ledger entry, in one statement. The
UPDATE takes the row lock and checks the balance at once, so concurrent debits
queue on the row and none can overdraw it; the balance always equals the sum
of its entries (the database's CheckConstraint holds the same line).

A sub-reseller's debit pays its parent reseller a commission: the share
`default_reseller_share_with_sub` of the sub-reseller's own settings, when its
`revenue_sharing_enabled` is on.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.services import audit_record
from billing.errors import InsufficientResellerBalance
from billing.models import (
    RESELLING_TIERS,
    IspInvoice,
    IspPackage,
    IspSubscriber,
    Organization,
    OrganizationTier,
    ResellerAccount,
    ResellerCommission,
    ResellerEntryKind,
    ResellerLedgerEntry,
)
from billing.services.organizations import scope_root
from config.money import money

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Movement:
    entry: ResellerLedgerEntry
    balance_before: Decimal


def account_get_or_create(*, organization: Organization) -> ResellerAccount:
    account = ResellerAccount.objects.filter(organization=organization).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return ResellerAccount.objects.create(organization=organization)
    except IntegrityError:  # created by a concurrent request meanwhile
        return ResellerAccount.objects.get(organization=organization)


def _names() -> dict:
    qn = connection.ops.quote_name
    return {
        "account": qn(ResellerAccount._meta.db_table),
        "ledger": qn(ResellerLedgerEntry._meta.db_table),
    }


def _apply(*, organization_id: int, delta: Decimal, values: list, at) -> tuple | None:
    """Add `delta` unless the balance would go below zero; write the entry. None when refused."""
    names = _names()
    now = connection.ops.adapt_datetimefield_value(at)
    columns = "account_id, kind, amount, balance_after, subscriber_id, invoice_id, description,"
    columns += " actor_id, created_at"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH moved AS ("  # noqa: S608
                f" UPDATE {names['account']} SET balance = balance + %s, updated_at = %s"
                f" WHERE organization_id = %s AND balance + %s >= 0 RETURNING id, balance"
                f"), entry AS ("
                f" INSERT INTO {names['ledger']} ({columns})"
                f" SELECT id, %s, %s, balance, %s, %s, %s, %s, %s FROM moved RETURNING id"
                f") SELECT moved.id, entry.id, moved.balance FROM moved, entry",
                [delta, now, organization_id, delta, values[0], delta, *values[1:], now],
            )
            row = cursor.fetchone()
            return (row[0], row[1], money(row[2])) if row else None
        cursor.execute(
            f"UPDATE {names['account']} SET balance = ROUND(balance + %s, 2), updated_at = %s"  # noqa: S608
            f" WHERE organization_id = %s AND ROUND(balance + %s, 2) >= 0 RETURNING id, balance",
            [delta, now, organization_id, delta],
        )
        moved = cursor.fetchone()
        if moved is None:
            return None
        cursor.execute(
            f"INSERT INTO {names['ledger']} ({columns})"  # noqa: S608
            f" VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [moved[0], values[0], delta, money(moved[1]), *values[1:], now],
        )
        return moved[0], cursor.fetchone()[0], money(moved[1])


def _move(
    *,
    organization: Organization,
    delta: Decimal,
    kind: str,
    subscriber: IspSubscriber | None = None,
    invoice: IspInvoice | None = None,
    description: str = "",
    actor=None,
) -> Movement:
    delta = money(delta)
    if delta == 0:
        raise ValueError("A ledger entry moves a non-zero amount.")
    description = description[:255]
    at = timezone.now()
    values = [
        kind,
        subscriber.pk if subscriber else None,
        invoice.pk if invoice else None,
        description,
        getattr(actor, "pk", None),
    ]
    applied = _apply(organization_id=organization.pk, delta=delta, values=values, at=at)
    if applied is None:
        if delta < 0:
            raise InsufficientResellerBalance()
        account_get_or_create(organization=organization)
        applied = _apply(organization_id=organization.pk, delta=delta, values=values, at=at)
    account_id, entry_id, balance_after = applied
    entry = ResellerLedgerEntry(
        id=entry_id,
        account_id=account_id,
        kind=kind,
        amount=delta,
        balance_after=balance_after,
        subscriber=subscriber,
        invoice=invoice,
        description=description,
        actor_id=values[4],
        created_at=at,
    )
    entry._state.adding = False
    return Movement(entry=entry, balance_before=balance_after - delta)


def _audit(*, action: str, actor, organization: Organization, movement: Movement, **details):
    audit_record(
        action=action,
        actor=actor,
        target_type="billing.reselleraccount",
        target_id=movement.entry.account_id,
        before={"balance": str(movement.balance_before)},
        after={
            "balance": str(movement.entry.balance_after),
            "amount": str(movement.entry.amount),
            "kind": movement.entry.kind,
            "organization": organization.pk,
            "ledger_entry_id": movement.entry.pk,
            **details,
        },
    )


def tier_price(*, package: IspPackage, organization: Organization) -> Decimal:
    """What `organization` pays per period of `package`: its tier's price, else the list price."""
    price = (
        package.tier_prices.filter(tier=organization.tier).values_list("price", flat=True).first()
    )
    return money(price if price is not None else package.price)


def pays_for_subscribers(organization: Organization) -> bool:
    """Resellers and sub-resellers buy each period; the company sells, it is not debited."""
    return organization.tier in RESELLING_TIERS


def reseller_debit(
    *,
    organization: Organization,
    amount: Decimal,
    kind: str,
    subscriber: IspSubscriber,
    invoice: IspInvoice | None,
    actor=None,
    description: str = "",
) -> Movement:
    """Take `amount` (> 0) from the reseller's balance, or raise and move nothing.

    Call inside the caller's transaction: a refusal raises before anything is written.
    """
    amount = money(amount)
    if amount <= 0:
        raise ValueError("A debit is a positive amount.")
    movement = _move(
        organization=organization,
        delta=-amount,
        kind=kind,
        subscriber=subscriber,
        invoice=invoice,
        description=description,
        actor=actor,
    )
    _audit(
        action=f"billing.reseller_{kind}",
        actor=actor,
        organization=organization,
        movement=movement,
        subscriber=subscriber.pk,
        invoice=invoice.pk if invoice else None,
    )
    _pay_commission(organization=organization, debit=movement, subscriber=subscriber, actor=actor)
    return movement


def reseller_credit_back(
    *,
    organization: Organization,
    amount: Decimal,
    kind: str,
    subscriber: IspSubscriber,
    invoice: IspInvoice | None,
    actor=None,
    description: str = "",
) -> Movement:
    """Give a reseller back the unused part of what it paid (a downgrade mid-period)."""
    movement = _move(
        organization=organization,
        delta=money(amount),
        kind=kind,
        subscriber=subscriber,
        invoice=invoice,
        description=description,
        actor=actor,
    )
    _audit(
        action=f"billing.reseller_{kind}",
        actor=actor,
        organization=organization,
        movement=movement,
        subscriber=subscriber.pk,
    )
    return movement


def commission_percent(organization: Organization) -> Decimal:
    if (
        organization.tier != OrganizationTier.SUB_RESELLER
        or not organization.revenue_sharing_enabled
        or organization.parent_id is None
    ):
        return Decimal("0")
    return Decimal(organization.default_reseller_share_with_sub)


def _pay_commission(
    *, organization: Organization, debit: Movement, subscriber: IspSubscriber, actor
) -> None:
    percent = commission_percent(organization)
    base = -debit.entry.amount
    amount = money(base * percent / HUNDRED)
    if amount <= 0:
        return
    parent = organization.parent
    credit = _move(
        organization=parent,
        delta=amount,
        kind=ResellerEntryKind.COMMISSION,
        subscriber=subscriber,
        description=f"{percent}% of {base} from {organization.company_code}",
    )
    ResellerCommission.objects.create(
        beneficiary=parent,
        source=organization,
        debit=debit.entry,
        credit=credit.entry,
        base_amount=base,
        percent=percent,
        amount=amount,
    )
    _audit(
        action="billing.reseller_commission",
        actor=actor,
        organization=parent,
        movement=credit,
        source=organization.pk,
        debit_entry_id=debit.entry.pk,
    )


def reseller_top_up(
    *, organization: Organization, amount: Decimal, actor, reason: str
) -> ResellerLedgerEntry:
    """Add to a reseller's balance.

    KTL's staff (or anyone whose organization is the company) record money the
    reseller paid the company. A reseller topping up one of its own
    sub-resellers transfers from its own balance, so it can hand on only what
    it holds.
    """
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": ["Enter an amount above zero."]})
    if not reason.strip():
        raise ValidationError({"reason": ["Say where the money came from."]})
    if not pays_for_subscribers(organization):
        raise ValidationError(
            {"organization": ["Only resellers and sub-resellers hold a balance."]}
        )
    root = scope_root(actor)
    if root is not None and (
        root.pk == organization.pk or not organization.path.startswith(root.path)
    ):
        raise PermissionDenied("Only an organization above this one can top it up.")
    with transaction.atomic():
        if root is not None and root.tier != OrganizationTier.COMPANY:
            source = _move(
                organization=root,
                delta=-amount,
                kind=ResellerEntryKind.TOP_UP,
                description=f"Transfer to {organization.company_code}: {reason}",
                actor=actor,
            )
            _audit(
                action="billing.reseller_transfer_out",
                actor=actor,
                organization=root,
                movement=source,
                to=organization.pk,
            )
        movement = _move(
            organization=organization,
            delta=amount,
            kind=ResellerEntryKind.TOP_UP,
            description=reason,
            actor=actor,
        )
        _audit(
            action="billing.reseller_top_up",
            actor=actor,
            organization=organization,
            movement=movement,
            reason=reason,
        )
    return movement.entry
