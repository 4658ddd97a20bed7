"""Reusable reads of ISP billing, each scoped to what the caller may see.

Super admins and admins see everything; anyone else sees the rows of their
organization and everything below it, and the packages above it that their
organization may sell.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from billing.models import (
    OPEN_INVOICE_STATUSES,
    IspInvoice,
    IspPackage,
    IspPayment,
    IspSubscriber,
    ResellerAccount,
    ResellerCommission,
    ResellerLedgerEntry,
    SubscriberStatus,
)
from billing.periods import local_midnight
from billing.selectors import has_unrestricted_scope, organization_scope_q, user_organization

STATEMENT_ENTRIES = 1000
_MONEY = DecimalField(max_digits=14, decimal_places=2)


def packages_visible_to(user) -> QuerySet[IspPackage]:
    queryset = IspPackage.objects.select_related("organization").prefetch_related(
        "tier_prices", "sellers"
    )
    if has_unrestricted_scope(user):
        return queryset
    own = user_organization(user)
    if own is None:
        return queryset.none()
    above = own.ancestor_ids()
    sold_here = Q(organization_id__in=above) & (
        Q(sellers__isnull=True) | Q(sellers__in=[own.pk, *above])
    )
    ids = IspPackage.objects.filter(Q(organization__path__startswith=own.path) | sold_here).values(
        "pk"
    )
    return queryset.filter(pk__in=ids)


def subscribers_visible_to(user) -> QuerySet[IspSubscriber]:
    return IspSubscriber.objects.select_related(
        "organization", "package", "district", "thana"
    ).filter(organization_scope_q(user))


def invoices_visible_to(user) -> QuerySet[IspInvoice]:
    return IspInvoice.objects.select_related("organization", "subscriber").filter(
        organization_scope_q(user)
    )


def payments_visible_to(user) -> QuerySet[IspPayment]:
    return IspPayment.objects.select_related("organization", "subscriber", "collected_by").filter(
        organization_scope_q(user)
    )


def reseller_accounts_visible_to(user) -> QuerySet[ResellerAccount]:
    return ResellerAccount.objects.select_related("organization").filter(organization_scope_q(user))


def ledger_entries_visible_to(user) -> QuerySet[ResellerLedgerEntry]:
    return ResellerLedgerEntry.objects.select_related("account__organization").filter(
        organization_scope_q(user, "account__organization")
    )


def commissions_visible_to(user) -> QuerySet[ResellerCommission]:
    return ResellerCommission.objects.select_related("beneficiary", "source").filter(
        organization_scope_q(user, "beneficiary") | organization_scope_q(user, "source")
    )


def reseller_statement(account: ResellerAccount, date_from: date, date_to: date) -> dict:
    """Opening balance, the entries of [date_from, date_to] (local days), totals and closing."""
    start, end = local_midnight(date_from), local_midnight(date_to + timedelta(days=1))
    entries = ResellerLedgerEntry.objects.filter(account=account)
    before = entries.filter(created_at__lt=start).order_by("-id").first()
    opening = before.balance_after if before else Decimal("0.00")
    within = entries.filter(created_at__gte=start, created_at__lt=end).order_by("id")
    totals = {
        row["kind"]: row["total"]
        for row in within.values("kind").annotate(total=Sum("amount")).order_by("kind")
    }
    credits = within.filter(amount__gt=0).aggregate(
        s=Coalesce(Sum("amount"), Value(Decimal("0.00")), output_field=_MONEY)
    )["s"]
    debits = within.filter(amount__lt=0).aggregate(
        s=Coalesce(Sum("amount"), Value(Decimal("0.00")), output_field=_MONEY)
    )["s"]
    return {
        "organization": account.organization,
        "date_from": date_from,
        "date_to": date_to,
        "opening_balance": opening,
        "credits": credits,
        "debits": -debits,
        "closing_balance": opening + credits + debits,
        "totals_by_kind": totals,
        "entry_count": within.count(),
        "entries": within[:STATEMENT_ENTRIES],
    }


def billing_figures(user, today: date) -> dict:
    """The dashboard's billing figures over the caller's scope."""
    subscribers = IspSubscriber.objects.filter(organization_scope_q(user)).aggregate(
        active=Count("pk", filter=Q(status=SubscriberStatus.ACTIVE)),
        grace=Count("pk", filter=Q(status=SubscriberStatus.GRACE)),
        suspended=Count("pk", filter=Q(status=SubscriberStatus.SUSPENDED)),
    )
    due = (
        IspInvoice.objects.filter(organization_scope_q(user))
        .filter(status__in=OPEN_INVOICE_STATUSES, due_date__gte=today)
        .filter(due_date__lt=today + timedelta(days=7))
        .aggregate(
            n=Count("pk"),
            amount=Coalesce(Sum("total"), Value(Decimal("0.00")), output_field=_MONEY),
            paid=Coalesce(Sum("amount_paid"), Value(Decimal("0.00")), output_field=_MONEY),
        )
    )
    month_start = local_midnight(today.replace(day=1))
    collected = (
        IspPayment.objects.filter(organization_scope_q(user))
        .filter(received_at__gte=month_start)
        .aggregate(s=Coalesce(Sum("amount"), Value(Decimal("0.00")), output_field=_MONEY))["s"]
    )
    return {
        "active_subscribers": subscribers["active"],
        "grace_subscribers": subscribers["grace"],
        "suspended_subscribers": subscribers["suspended"],
        "invoices_due_this_week": due["n"],
        "amount_due_this_week": due["amount"] - due["paid"],
        "collected_this_month": collected,
    }
