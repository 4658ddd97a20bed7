"""ISP subscribers: create, change, and every move of their status, each audited.

    new -> active -> grace -> suspended -> inactive

`active -> grace -> suspended -> inactive` is the lifecycle job's for non-payment
(billing.services.isp_lifecycle); paying lifts grace and a suspension for
non-payment by itself. Staff suspend, reactivate and deactivate by hand, and
activation (from new or inactive) starts a billed period (isp_invoicing).
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.phone import normalize_mobile
from audit.services import audit_record
from billing.errors import IllegalStatusChange
from billing.models import (
    OPEN_INVOICE_STATUSES,
    IspInvoice,
    IspStatusChange,
    IspSubscriber,
    SubscriberStatus,
)
from billing.periods import isp_today
from billing.router import router_notify
from billing.services.isp_packages import check_in_scope, package_sellable_by

S = SubscriberStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ACTIVE, S.INACTIVE}),
    S.ACTIVE: frozenset({S.GRACE, S.SUSPENDED, S.INACTIVE}),
    S.GRACE: frozenset({S.ACTIVE, S.SUSPENDED, S.INACTIVE}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.GRACE, S.INACTIVE}),
    S.INACTIVE: frozenset({S.ACTIVE}),
}
# What the router is told when a subscriber reaches each status.
ROUTER_ACTION = {S.ACTIVE: "enable", S.SUSPENDED: "disable", S.INACTIVE: "disable"}
EDITABLE_FIELDS = (
    "name",
    "phone",
    "email",
    "pppoe_username",
    "billing_day",
    "address",
    "district",
    "thana",
)
PPPOE_TAKEN = "This PPPoE username is taken."


def lock_subscriber(subscriber: IspSubscriber) -> IspSubscriber:
    return (
        IspSubscriber.objects.select_for_update(of=("self",))
        .select_related("organization", "package__organization")
        .get(pk=subscriber.pk)
    )


def overdue_invoices(subscriber: IspSubscriber, today: date):
    return IspInvoice.objects.filter(
        subscriber=subscriber, status__in=OPEN_INVOICE_STATUSES, due_date__lt=today
    )


def set_status(
    subscriber: IspSubscriber,
    to: str,
    *,
    reason: str,
    actor=None,
    by_billing: bool = False,
    **fields,
) -> None:
    """Move a locked subscriber to `to`, or refuse; record, audit and tell the router."""
    if to not in TRANSITIONS[subscriber.status]:
        raise IllegalStatusChange(f"A {subscriber.status} subscriber cannot become {to}.")
    before = subscriber.status
    now = timezone.now()
    subscriber.status = to
    subscriber.status_reason = reason[:255]
    subscriber.status_changed_at = now
    subscriber.suspended_by_billing = to == S.SUSPENDED and by_billing
    if to != S.GRACE:
        subscriber.grace_ends_at = None
    for name, value in fields.items():
        setattr(subscriber, name, value)
    subscriber.save()
    IspStatusChange.objects.create(
        subscriber=subscriber, from_status=before, to_status=to, reason=reason[:255], actor=actor
    )
    audit_record(
        action=f"billing.isp_subscriber_{to}",
        actor=actor,
        target=subscriber,
        before={"status": before},
        after={"status": to, "reason": reason, **{k: str(v) for k, v in fields.items()}},
    )
    if to in ROUTER_ACTION:
        router_notify(subscriber, ROUTER_ACTION[to])


def _clean(subscriber: IspSubscriber) -> None:
    errors: dict[str, list[str]] = {}
    try:
        # A Bangladeshi ISP: local numbers are read as Bangladeshi.
        subscriber.phone = normalize_mobile(subscriber.phone, region="BD")
    except ValidationError:
        errors["phone"] = ["Enter a valid phone number."]
    subscriber.pppoe_username = (subscriber.pppoe_username or "").strip()
    taken = IspSubscriber.objects.filter(pppoe_username__iexact=subscriber.pppoe_username)
    if subscriber.pk:
        taken = taken.exclude(pk=subscriber.pk)
    if taken.exists():
        errors["pppoe_username"] = [PPPOE_TAKEN]
    if subscriber.thana_id and subscriber.district_id is None:
        subscriber.district_id = subscriber.thana.district_id
    if subscriber.thana_id and subscriber.thana.district_id != subscriber.district_id:
        errors["thana"] = ["This thana is not in the chosen district."]
    if errors:
        raise ValidationError(errors)


def _save(subscriber: IspSubscriber, **kwargs) -> None:
    try:
        with transaction.atomic():
            subscriber.save(**kwargs)
    except IntegrityError as exc:  # a concurrent subscriber with the same login
        raise ValidationError({"pppoe_username": [PPPOE_TAKEN]}) from exc


def _snapshot(subscriber: IspSubscriber) -> dict:
    data = {}
    for name in (*EDITABLE_FIELDS, "package", "organization"):
        field = f"{name}_id" if name in ("district", "thana", "package", "organization") else name
        data[name] = getattr(subscriber, field)
    return data


def subscriber_create(*, actor, fields: dict) -> IspSubscriber:
    organization = fields["organization"]
    check_in_scope(actor, organization)
    package = fields["package"]
    if not package_sellable_by(package, organization):
        raise ValidationError({"package": ["This organization cannot sell this package."]})
    with transaction.atomic():
        subscriber = IspSubscriber(
            organization=organization,
            package=package,
            created_by=actor,
            **{name: fields[name] for name in EDITABLE_FIELDS if name in fields},
        )
        if not subscriber.billing_day:
            subscriber.billing_day = min(isp_today().day, 28)
        _clean(subscriber)
        _save(subscriber, force_insert=True)
        IspStatusChange.objects.create(
            subscriber=subscriber, to_status=S.NEW, reason="Created", actor=actor
        )
        audit_record(
            action="billing.isp_subscriber_created",
            actor=actor,
            target=subscriber,
            after=_snapshot(subscriber),
        )
    return subscriber


def subscriber_update(*, subscriber: IspSubscriber, actor, changes: dict) -> IspSubscriber:
    """Change contact and address details (the package and status have their own commands)."""
    with transaction.atomic():
        subscriber = lock_subscriber(subscriber)
        check_in_scope(actor, subscriber.organization)
        before = _snapshot(subscriber)
        for name in EDITABLE_FIELDS:
            if name in changes:
                setattr(subscriber, name, changes[name])
        _clean(subscriber)
        _save(subscriber)
        after = _snapshot(subscriber)
        changed = [name for name in after if before[name] != after[name]]
        if changed:
            audit_record(
                action="billing.isp_subscriber_updated",
                actor=actor,
                target=subscriber,
                before={name: before[name] for name in changed},
                after={name: after[name] for name in changed},
            )
            router_notify(subscriber, "update")
    return subscriber


def subscriber_suspend(*, subscriber: IspSubscriber, actor, reason: str) -> IspSubscriber:
    with transaction.atomic():
        subscriber = lock_subscriber(subscriber)
        check_in_scope(actor, subscriber.organization)
        set_status(subscriber, S.SUSPENDED, reason=reason or "Suspended by staff", actor=actor)
    return subscriber


def subscriber_deactivate(*, subscriber: IspSubscriber, actor, reason: str) -> IspSubscriber:
    with transaction.atomic():
        subscriber = lock_subscriber(subscriber)
        check_in_scope(actor, subscriber.organization)
        set_status(subscriber, S.INACTIVE, reason=reason or "Deactivated by staff", actor=actor)
    return subscriber


def subscriber_hold(*, subscriber: IspSubscriber, actor, until: date | None) -> IspSubscriber:
    """Keep a subscriber from suspension for non-payment until a date (or lift the hold).

    At most the organization's `max_manual_grace_days` ahead.
    """
    with transaction.atomic():
        subscriber = lock_subscriber(subscriber)
        check_in_scope(actor, subscriber.organization)
        if until is not None:
            limit = subscriber.organization.billing_settings.get("max_manual_grace_days", 0)
            latest = isp_today() + timedelta(days=limit)
            if until > latest:
                raise ValidationError(
                    {"until": [f"At most {limit} day(s) ahead (max_manual_grace_days): {latest}."]}
                )
            if until < isp_today():
                raise ValidationError({"until": ["Choose today or a later date."]})
        before = subscriber.hold_suspension_until
        subscriber.hold_suspension_until = until
        subscriber.save(update_fields=["hold_suspension_until", "updated_at"])
        audit_record(
            action="billing.isp_subscriber_hold",
            actor=actor,
            target=subscriber,
            before={"hold_suspension_until": str(before) if before else None},
            after={"hold_suspension_until": str(until) if until else None},
        )
    return subscriber
