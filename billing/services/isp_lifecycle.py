"""The lifecycle job: grace, suspension and disconnection for non-payment, and reminders.

Run by the scheduler (and `manage.py isp_lifecycle_run`), safe to run again:

- an active subscriber with an invoice unpaid past its due date goes into
  grace, which lasts the organization's `default_grace_days` and
  `default_grace_hours` from the end of the due date;
- when grace ends unpaid it is suspended, unless its "hold suspension until"
  date has not passed;
- a subscriber suspended for more than `max_inactive_days` becomes inactive;
- an active subscriber gets an SMS 7, 3 and 1 days (`ISP_REMINDER_DAYS`)
  before its period ends, each once, sent after the commit.

Organizations with `disable_expiry` are left out of all of it.
"""

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone

from accounts.sms import send_sms
from billing.models import (
    OPEN_INVOICE_STATUSES,
    IspReminder,
    IspSubscriber,
    SubscriberStatus,
)
from billing.periods import isp_zone, local_midnight
from billing.services.isp_invoicing import reactivate_if_settled
from billing.services.isp_subscribers import overdue_invoices, set_status

S = SubscriberStatus


def _expiring_subscribers():
    return IspSubscriber.objects.exclude(organization__billing_settings__disable_expiry=True)


def _locked(subscriber_id: int, status: str) -> IspSubscriber | None:
    return (
        IspSubscriber.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("organization", "package")
        .filter(pk=subscriber_id, status=status)
        .first()
    )


def grace_end(subscriber: IspSubscriber, first_due) -> datetime:
    rules = subscriber.organization.billing_settings
    return local_midnight(first_due + timedelta(days=1)) + timedelta(
        days=rules.get("default_grace_days", 0), hours=rules.get("default_grace_hours", 0)
    )


def _start_grace(today, now, counts: dict) -> None:
    overdue = Q(invoices__status__in=OPEN_INVOICE_STATUSES, invoices__due_date__lt=today)
    ids = (
        _expiring_subscribers()
        .filter(overdue, status=S.ACTIVE)
        .values_list("pk", flat=True)
        .distinct()
    )
    for subscriber_id in ids:
        with transaction.atomic():
            subscriber = _locked(subscriber_id, S.ACTIVE)
            if subscriber is None:
                continue
            first_due = overdue_invoices(subscriber, today).aggregate(d=Min("due_date"))["d"]
            if first_due is None:
                continue
            set_status(
                subscriber,
                S.GRACE,
                reason=f"Invoice due {first_due} unpaid",
                grace_ends_at=grace_end(subscriber, first_due),
            )
            counts["grace"] += 1


def _suspend(today, now, counts: dict) -> None:
    ids = (
        _expiring_subscribers()
        .filter(status=S.GRACE)
        .filter(Q(grace_ends_at__isnull=True) | Q(grace_ends_at__lte=now))
        .exclude(hold_suspension_until__gte=today)
        .values_list("pk", flat=True)
    )
    for subscriber_id in ids:
        with transaction.atomic():
            subscriber = _locked(subscriber_id, S.GRACE)
            if subscriber is None:
                continue
            if reactivate_if_settled(subscriber, reason="Nothing overdue any more", today=today):
                counts["reactivated"] += 1
                continue
            set_status(subscriber, S.SUSPENDED, reason="Grace ended unpaid", by_billing=True)
            counts["suspended"] += 1


def _disconnect(today, now, counts: dict) -> None:
    rows = (
        _expiring_subscribers()
        .filter(status=S.SUSPENDED, status_changed_at__isnull=False)
        .values_list("pk", "status_changed_at", "organization__billing_settings")
    )
    for subscriber_id, since, rules in rows:
        days = (rules or {}).get("max_inactive_days", 0)
        if not days or since > now - timedelta(days=days):
            continue
        with transaction.atomic():
            subscriber = _locked(subscriber_id, S.SUSPENDED)
            if subscriber is None:
                continue
            set_status(subscriber, S.INACTIVE, reason=f"Suspended for more than {days} day(s)")
            counts["inactive"] += 1


def reminder_text(subscriber: IspSubscriber, days: int) -> str:
    package = subscriber.package
    when = "tomorrow" if days == 1 else f"in {days} days"
    return (
        f"{subscriber.organization.company_name}: your internet package {package.name} "
        f"({subscriber.pppoe_username}) expires {when}, on {subscriber.period_end}. "
        f"Renewal: BDT {package.price}."
    )


def _remind(today, now, counts: dict) -> None:
    for days in settings.ISP_REMINDER_DAYS:
        expires_on = today + timedelta(days=days)
        rows = (
            _expiring_subscribers()
            .filter(status=S.ACTIVE, period_end=expires_on)
            .exclude(phone="")
            .select_related("organization", "package")
        )
        for subscriber in rows:
            try:
                with transaction.atomic():
                    IspReminder.objects.create(
                        subscriber=subscriber, expires_on=expires_on, days_before=days
                    )
                    transaction.on_commit(
                        partial(send_sms, subscriber.phone, reminder_text(subscriber, days)),
                        robust=True,
                    )
            except IntegrityError:
                continue  # sent already
            counts["reminders"] += 1


def isp_lifecycle_run(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    today = now.astimezone(isp_zone()).date()
    counts = {"grace": 0, "suspended": 0, "reactivated": 0, "inactive": 0, "reminders": 0}
    _start_grace(today, now, counts)
    _suspend(today, now, counts)
    _disconnect(today, now, counts)
    _remind(today, now, counts)
    return counts
