"""Billing periods: activation, renewal, the scheduled invoice run, and package changes.

Starting a period is one step: the period's invoice, the reseller's debit at
its tier price, and the subscriber's new period, in one transaction. The
invoice is unique per subscriber and period start, and the subscriber's row
is locked while its period moves, so whatever runs at the same time (two
invoice runs, a run and a staff renewal) a period is invoiced and paid for
once. A period that does not start on the package's period boundary (an
activation mid-month) is charged for its share of the full period, and so is
the rest of a period after a package change.
"""

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from billing.errors import AlreadyBilled, IllegalStatusChange, InsufficientResellerBalance
from billing.models import (
    BILLED_STATUSES,
    OPEN_INVOICE_STATUSES,
    BillingMode,
    InvoiceLineKind,
    InvoiceStatus,
    IspInvoice,
    IspInvoiceLine,
    IspPackage,
    IspPayment,
    IspPaymentAllocation,
    IspSubscriber,
    ResellerEntryKind,
    SubscriberStatus,
)
from billing.periods import full_period_days, isp_today, period_end, prorate
from billing.router import router_notify
from billing.services.isp_packages import check_in_scope, package_sellable_by
from billing.services.isp_subscribers import lock_subscriber, overdue_invoices, set_status
from billing.services.reseller_balance import (
    pays_for_subscribers,
    reseller_credit_back,
    reseller_debit,
    tier_price,
)
from config.exceptions import Conflict
from config.money import ZERO, money

logger = logging.getLogger(__name__)
S = SubscriberStatus
# A run catches up at most this many missed periods of one subscriber.
MAX_CATCH_UP = 24


def invoice_status(total, paid) -> str:
    if paid >= total:
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTIALLY_PAID if paid > 0 else InvoiceStatus.OPEN


def _set_amounts(invoice: IspInvoice, *, total=None, paid=None) -> None:
    invoice.total = money(invoice.total if total is None else total)
    invoice.amount_paid = money(invoice.amount_paid if paid is None else paid)
    invoice.status = invoice_status(invoice.total, invoice.amount_paid)
    if invoice.status == InvoiceStatus.PAID and invoice.paid_at is None:
        invoice.paid_at = timezone.now()
    elif invoice.status != InvoiceStatus.PAID:
        invoice.paid_at = None
    invoice.save(update_fields=["total", "amount_paid", "status", "paid_at", "updated_at"])


def apply_credit(subscriber: IspSubscriber) -> list[IspPaymentAllocation]:
    """Spend what the subscriber paid and is not yet allocated on open invoices, oldest first.

    Oldest: the earliest due date, then the earliest period.
    """
    payments = list(
        IspPayment.objects.select_for_update()
        .filter(subscriber=subscriber, unallocated__gt=0)
        .order_by("received_at", "id")
    )
    if not payments:
        return []
    invoices = list(
        IspInvoice.objects.select_for_update()
        .filter(subscriber=subscriber, status__in=OPEN_INVOICE_STATUSES)
        .order_by("due_date", "period_start", "id")
    )
    made = []
    for payment in payments:
        for invoice in invoices:
            if payment.unallocated <= 0:
                break
            due = invoice.total - invoice.amount_paid
            if due <= 0:
                continue
            take = min(due, payment.unallocated)
            made.append(
                IspPaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=take)
            )
            _set_amounts(invoice, paid=invoice.amount_paid + take)
            payment.unallocated = money(payment.unallocated - take)
        payment.save(update_fields=["unallocated"])
    return made


def open_period(
    subscriber: IspSubscriber, *, start: date, kind: str, actor=None
) -> IspInvoice | None:
    """Start the subscriber's period at `start`: invoice, reseller debit, new period.

    Call inside a transaction with the subscriber locked. Returns None when the
    period is invoiced already (a concurrent run got there first); raises
    InsufficientResellerBalance, writing nothing, when the reseller cannot pay.
    """
    package = subscriber.package
    organization = subscriber.organization
    end = period_end(start, package, subscriber.billing_day)
    full = full_period_days(end, package, subscriber.billing_day)
    days = (end - start).days
    amount = prorate(package.price, days, full)
    due = end if package.billing_mode == BillingMode.POSTPAID else start
    try:
        with transaction.atomic():  # its own savepoint: a duplicate leaves the caller usable
            invoice = IspInvoice.objects.create(
                organization=organization,
                subscriber=subscriber,
                number=f"{organization.company_code}-{subscriber.pk}-{start:%Y%m%d}",
                period_start=start,
                period_end=end,
                due_date=due,
                total=amount,
                status=invoice_status(amount, ZERO),
                paid_at=timezone.now() if amount <= 0 else None,
            )
    except IntegrityError:
        return None
    if amount > 0:
        share = "" if days >= full else f", {days} of {full} days"
        IspInvoiceLine.objects.create(
            invoice=invoice,
            kind=InvoiceLineKind.PACKAGE,
            package=package,
            description=f"{package.name} {start} to {end}{share}",
            days=days,
            period_days=full,
            amount=amount,
        )
    if pays_for_subscribers(organization):
        reseller_debit(
            organization=organization,
            amount=prorate(tier_price(package=package, organization=organization), days, full),
            kind=kind,
            subscriber=subscriber,
            invoice=invoice,
            actor=actor,
            description=f"{package.code} for {subscriber.pppoe_username}, {start} to {end}",
        )
    subscriber.period_start, subscriber.period_end = start, end
    subscriber.save(update_fields=["period_start", "period_end", "updated_at"])
    audit_record(
        action="billing.isp_invoice_created",
        actor=actor,
        target=invoice,
        after={
            "number": invoice.number,
            "subscriber": subscriber.pk,
            "period_start": str(start),
            "period_end": str(end),
            "total": str(amount),
            "kind": kind,
        },
    )
    apply_credit(subscriber)
    return invoice


def subscriber_activate(*, subscriber: IspSubscriber, actor) -> IspSubscriber:
    """Connect a new (or inactive) subscriber: its first period starts today.

    An inactive subscriber still paid up to a later date resumes at once, and
    its next period follows the paid one.
    """
    with transaction.atomic():
        subscriber = lock_subscriber(subscriber)
        check_in_scope(actor, subscriber.organization)
        if subscriber.status not in (S.NEW, S.INACTIVE):
            raise IllegalStatusChange(f"A {subscriber.status} subscriber cannot be activated.")
        if not package_sellable_by(subscriber.package, subscriber.organization):
            raise Conflict("The subscriber's package is no longer sold; change it first.")
        today = isp_today()
        paid_ahead = subscriber.period_end is not None and subscriber.period_end > today
        if not paid_ahead and (
            open_period(subscriber, start=today, kind=ResellerEntryKind.ACTIVATION, actor=actor)
            is None
        ):
            raise AlreadyBilled()
        set_status(
            subscriber, S.ACTIVE, reason="Activated", actor=actor, activated_at=timezone.now()
        )
    return subscriber


def subscriber_renew(*, subscriber: IspSubscriber, actor) -> IspInvoice:
    """Start the subscriber's next period now (ahead of the scheduled run), debiting the reseller."""
    with transaction.atomic():
        subscriber = lock_subscriber(subscriber)
        check_in_scope(actor, subscriber.organization)
        if subscriber.status not in BILLED_STATUSES:
            raise IllegalStatusChange(
                f"A {subscriber.status} subscriber is not renewed; activate or reactivate it."
            )
        invoice = open_period(
            subscriber,
            start=_next_start(subscriber, isp_today()),
            kind=ResellerEntryKind.RENEWAL,
            actor=actor,
        )
        if invoice is None:
            raise AlreadyBilled()
    return invoice


def _next_start(subscriber: IspSubscriber, today: date) -> date:
    return subscriber.period_end if subscriber.period_end else today


def invoices_generate(*, today: date | None = None) -> dict:
    """Start the next period of every billed subscriber whose period has ended.

    Suspended, new and inactive subscribers are not billed. Each subscriber is
    its own transaction, taken with SKIP LOCKED: a second run at the same time
    passes over the ones the first is working on, and finds them billed after.
    """
    today = today or isp_today()
    due = Q(period_end__lte=today) | Q(period_end__isnull=True)
    ids = list(
        IspSubscriber.objects.filter(due, status__in=BILLED_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    counts = {"invoices": 0, "insufficient_balance": 0, "skipped": 0}
    for subscriber_id in ids:
        for _ in range(MAX_CATCH_UP):
            try:
                with transaction.atomic():
                    subscriber = (
                        IspSubscriber.objects.select_for_update(of=("self",), skip_locked=True)
                        .select_related("organization", "package")
                        .filter(due, pk=subscriber_id, status__in=BILLED_STATUSES)
                        .first()
                    )
                    if subscriber is None:
                        break
                    kind = ResellerEntryKind.RENEWAL
                    if open_period(subscriber, start=_next_start(subscriber, today), kind=kind):
                        counts["invoices"] += 1
                    else:
                        counts["skipped"] += 1
                        break
            except InsufficientResellerBalance:
                counts["insufficient_balance"] += 1
                logger.warning("reseller balance too low to renew subscriber %s", subscriber_id)
                break
    return counts


def reactivate_if_settled(
    subscriber: IspSubscriber, *, actor=None, reason: str, today: date | None = None
) -> bool:
    """Lift grace, or a suspension for non-payment, once nothing is overdue (subscriber locked)."""
    if subscriber.status == S.GRACE or (
        subscriber.status == S.SUSPENDED and subscriber.suspended_by_billing
    ):
        return _reactivate(subscriber, actor=actor, reason=reason, today=today or isp_today())
    return False


def _reactivate(subscriber: IspSubscriber, *, actor, reason: str, today: date) -> bool:
    if overdue_invoices(subscriber, today).exists():
        return False
    lapsed = subscriber.status == S.SUSPENDED and (
        subscriber.period_end is None or subscriber.period_end <= today
    )
    set_status(subscriber, S.ACTIVE, reason=reason, actor=actor)
    if lapsed:
        # Nothing is billed for the time it was off: a new period starts today.
        try:
            with transaction.atomic():
                open_period(subscriber, start=today, kind=ResellerEntryKind.RENEWAL, actor=actor)
        except InsufficientResellerBalance:
            subscriber.period_start = subscriber.period_end = None
            subscriber.save(update_fields=["period_start", "period_end", "updated_at"])
            logger.warning("reseller balance too low to renew subscriber %s", subscriber.pk)
    return True


def subscriber_reactivate(*, subscriber: IspSubscriber, actor, reason: str) -> IspSubscriber:
    """Reconnect a suspended subscriber by hand.

    With an invoice overdue it is refused, unless a hold is set: then the
    subscriber is back in grace until the hold passes.
    """
    with transaction.atomic():
        subscriber = lock_subscriber(subscriber)
        check_in_scope(actor, subscriber.organization)
        if subscriber.status != S.SUSPENDED:
            raise IllegalStatusChange(f"A {subscriber.status} subscriber is not suspended.")
        today = isp_today()
        reason = reason or "Reactivated by staff"
        if not overdue_invoices(subscriber, today).exists():
            _reactivate(subscriber, actor=actor, reason=reason, today=today)
        elif subscriber.hold_suspension_until and subscriber.hold_suspension_until >= today:
            set_status(subscriber, S.GRACE, reason=reason, actor=actor)
            router_notify(subscriber, "enable")
        else:
            raise Conflict("An invoice is overdue: record its payment or set a hold first.")
    return subscriber


def subscriber_change_package(
    *, subscriber: IspSubscriber, package: IspPackage, actor
) -> IspSubscriber:
    """Move a subscriber to another package; the rest of a running period is prorated.

    The period's invoice gets a credit for the unused days of the old package
    and a charge for them on the new one; the reseller pays (or gets back) the
    difference of its tier prices for those days. A downgrade that would bring
    the invoice below what is paid on it already is refused: change from the
    next period instead.
    """
    with transaction.atomic():
        subscriber = lock_subscriber(subscriber)
        check_in_scope(actor, subscriber.organization)
        old = subscriber.package
        if package.pk == old.pk:
            return subscriber
        if not package_sellable_by(package, subscriber.organization):
            raise Conflict("This organization cannot sell this package.")
        today = isp_today()
        invoice = None
        if (
            subscriber.status in BILLED_STATUSES
            and subscriber.period_start
            and subscriber.period_start <= today < subscriber.period_end
        ):
            invoice = (
                IspInvoice.objects.select_for_update()
                .filter(subscriber=subscriber, period_start=subscriber.period_start)
                .first()
            )
        if invoice is not None:
            _prorate_change(subscriber, invoice, old, package, today, actor)
        subscriber.package = package
        subscriber.save(update_fields=["package", "updated_at"])
        audit_record(
            action="billing.isp_subscriber_package_changed",
            actor=actor,
            target=subscriber,
            before={"package": old.pk},
            after={"package": package.pk, "invoice": invoice.pk if invoice else None},
        )
        router_notify(subscriber, "update")
    return subscriber


def _prorate_change(subscriber, invoice, old, new, today, actor) -> None:
    remaining = (subscriber.period_end - today).days
    full = max(full_period_days(subscriber.period_end, old, subscriber.billing_day), remaining)
    credit = prorate(old.price, remaining, full)
    charge = prorate(new.price, remaining, full)
    total = invoice.total - credit + charge
    if total < invoice.amount_paid:
        raise Conflict(
            "More is paid on this period's invoice than it would come to on the new package; "
            "change the package when the period ends."
        )
    for kind, package, amount in (
        (InvoiceLineKind.PRORATION_CREDIT, old, -credit),
        (InvoiceLineKind.PRORATION_CHARGE, new, charge),
    ):
        if amount:
            IspInvoiceLine.objects.create(
                invoice=invoice,
                kind=kind,
                package=package,
                description=f"{package.name} from {today}, {remaining} of {full} days",
                days=remaining,
                period_days=full,
                amount=amount,
            )
    _set_amounts(invoice, total=total)
    organization = subscriber.organization
    if pays_for_subscribers(organization):
        difference = prorate(
            tier_price(package=new, organization=organization), remaining, full
        ) - prorate(tier_price(package=old, organization=organization), remaining, full)
        move = reseller_debit if difference > 0 else reseller_credit_back
        if difference:
            move(
                organization=organization,
                amount=abs(difference),
                kind=ResellerEntryKind.PACKAGE_CHANGE,
                subscriber=subscriber,
                invoice=invoice,
                actor=actor,
                description=f"{old.code} to {new.code} for {remaining} of {full} days",
            )
    apply_credit(subscriber)
