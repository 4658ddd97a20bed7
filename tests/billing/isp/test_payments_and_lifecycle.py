"""Payments (allocation, receipts, references) and the lifecycle job (grace, suspension,
reactivation, disconnection, reminders)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest

from accounts.sms.backends import locmem
from billing.models import IspInvoice, IspPayment, SubscriberStatus
from billing.periods import isp_today, isp_zone
from billing.services.isp_invoicing import invoices_generate
from billing.services.isp_lifecycle import isp_lifecycle_run
from billing.services.organizations import organization_update
from tests.billing.isp.conftest import post

pytestmark = pytest.mark.django_db
S = SubscriberStatus


def at(day, hour=12):
    return datetime.combine(day, time(hour), tzinfo=isp_zone())


@pytest.fixture
def active(biller, tree, days_package, make_subscriber, fund):
    fund(tree["north"], "5000.00")

    def _active(**extra):
        subscriber = make_subscriber(tree["north"], pkg=days_package, **extra)
        response = post(biller, f"/api/v1/isp/subscribers/{subscriber.pk}/activate")
        assert response.status_code == 200, response.content
        subscriber.refresh_from_db()
        return subscriber

    return _active


def pay(client, subscriber, amount, method="cash", **extra):
    return post(
        client,
        f"/api/v1/isp/subscribers/{subscriber.pk}/pay",
        {"amount": amount, "method": method, **extra},
    )


def test_a_payment_goes_to_the_oldest_open_invoice_first_and_the_rest_stays_as_credit(
    biller, active
):
    subscriber = active()
    invoices_generate(today=subscriber.period_end)  # a second period, due later
    first, second = IspInvoice.objects.filter(subscriber=subscriber).order_by("due_date")
    response = pay(biller, subscriber, "700.00")
    assert response.status_code == 201, response.content
    allocations = response.json()["allocations"]
    assert [(a["invoice"], a["amount"]) for a in allocations] == [
        (first.pk, "500.00"),
        (second.pk, "200.00"),
    ]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("paid", "partially_paid")
    assert second.amount_paid == Decimal("200.00")
    # Paying more than is owed leaves credit, spent on the next invoice when it is made.
    extra = pay(biller, subscriber, "800.00").json()
    assert extra["unallocated"] == "500.00"
    subscriber.refresh_from_db()
    invoices_generate(today=subscriber.period_end)
    third = IspInvoice.objects.filter(subscriber=subscriber).order_by("due_date").last()
    assert third.status == "paid"
    assert IspPayment.objects.get(pk=extra["id"]).unallocated == Decimal("0.00")


def test_receipt_numbers_run_per_organization(biller, tree, active, make_subscriber, fund):
    one, two = active(), active()
    fund(tree["south"], "1000.00")
    south = make_subscriber(tree["south"])
    numbers = [
        pay(biller, one, "10.00").json()["receipt_number"],
        pay(biller, two, "10.00").json()["receipt_number"],
        pay(biller, south, "10.00").json()["receipt_number"],
    ]
    assert numbers == ["NORTH-R000001", "NORTH-R000002", "SOUTH-R000001"]


def test_mobile_money_needs_its_transaction_id_and_pays_once(biller, active):
    subscriber = active()
    missing = pay(biller, subscriber, "100.00", method="bkash")
    assert missing.status_code == 400 and "reference" in missing.json()["errors"]
    assert pay(biller, subscriber, "100.00", method="bkash", reference="8N7A6B").status_code == 201
    again = pay(biller, subscriber, "100.00", method="bkash", reference="8N7A6B")
    assert again.status_code == 400 and "reference" in again.json()["errors"]
    assert IspPayment.objects.count() == 1


def test_grace_then_suspension_by_the_job_and_reactivation_on_payment(biller, tree, active):
    organization_update(
        organization=tree["north"],
        actor=biller.handler._force_user,
        changes={"billing_settings": {"default_grace_days": 2}},
    )
    subscriber = active()
    due = subscriber.period_start  # prepaid: due when the period starts
    assert isp_lifecycle_run(now=at(due))["grace"] == 0  # due today is not overdue
    counts = isp_lifecycle_run(now=at(due + timedelta(days=1)))
    subscriber.refresh_from_db()
    assert counts["grace"] == 1 and subscriber.status == S.GRACE
    isp_lifecycle_run(now=at(due + timedelta(days=2)))
    subscriber.refresh_from_db()
    assert subscriber.status == S.GRACE  # two days of grace from the end of the due date
    isp_lifecycle_run(now=at(due + timedelta(days=3), hour=0))
    subscriber.refresh_from_db()
    assert subscriber.status == S.SUSPENDED and subscriber.suspended_by_billing
    response = pay(biller, subscriber, "500.00")
    assert response.status_code == 201
    subscriber.refresh_from_db()
    assert subscriber.status == S.ACTIVE
    reasons = list(subscriber.status_changes.values_list("to_status", flat=True))
    assert reasons[:4] == ["active", "suspended", "grace", "active"]


def backdate(subscriber, days: int) -> None:
    """Move the subscriber's period and invoices `days` into the past."""
    shift = timedelta(days=days)
    type(subscriber).objects.filter(pk=subscriber.pk).update(
        period_start=subscriber.period_start - shift, period_end=subscriber.period_end - shift
    )
    for invoice in IspInvoice.objects.filter(subscriber=subscriber):
        IspInvoice.objects.filter(pk=invoice.pk).update(
            period_start=invoice.period_start - shift,
            period_end=invoice.period_end - shift,
            due_date=invoice.due_date - shift,
        )
    subscriber.refresh_from_db()


def test_a_partial_payment_leaves_the_suspension(biller, active):
    subscriber = active()
    backdate(subscriber, 2)
    isp_lifecycle_run()
    subscriber.refresh_from_db()
    assert subscriber.status == S.SUSPENDED  # no grace days by default
    pay(biller, subscriber, "499.99")
    subscriber.refresh_from_db()
    assert subscriber.status == S.SUSPENDED
    pay(biller, subscriber, "0.01")
    subscriber.refresh_from_db()
    assert subscriber.status == S.ACTIVE


def test_a_hold_keeps_a_subscriber_from_suspension_until_it_passes(biller, tree, active):
    subscriber = active()
    hold = isp_today() + timedelta(days=3)
    response = biller.post(
        f"/api/v1/isp/subscribers/{subscriber.pk}/hold", {"until": str(hold)}, format="json"
    )
    assert response.status_code == 200, response.content
    isp_lifecycle_run(now=at(hold))
    subscriber.refresh_from_db()
    assert subscriber.status == S.GRACE
    isp_lifecycle_run(now=at(hold + timedelta(days=1)))
    subscriber.refresh_from_db()
    assert subscriber.status == S.SUSPENDED
    too_far = biller.post(
        f"/api/v1/isp/subscribers/{subscriber.pk}/hold",
        {"until": str(isp_today() + timedelta(days=8))},
        format="json",
    )
    assert too_far.status_code == 400  # max_manual_grace_days is 7


def test_a_suspension_by_staff_is_not_lifted_by_paying(biller, active):
    subscriber = active()
    biller.post(f"/api/v1/isp/subscribers/{subscriber.pk}/suspend", {}, format="json")
    pay(biller, subscriber, "500.00")
    subscriber.refresh_from_db()
    assert subscriber.status == S.SUSPENDED
    response = biller.post(f"/api/v1/isp/subscribers/{subscriber.pk}/reactivate", {}, format="json")
    assert response.json()["status"] == S.ACTIVE


def test_a_long_suspension_ends_inactive(biller, active):
    subscriber = active()
    isp_lifecycle_run(now=at(subscriber.period_start + timedelta(days=1)))
    subscriber.refresh_from_db()
    assert subscriber.status == S.SUSPENDED
    isp_lifecycle_run(now=subscriber.status_changed_at + timedelta(days=31))
    subscriber.refresh_from_db()
    assert subscriber.status == S.INACTIVE  # max_inactive_days is 30


def test_reminders_go_out_7_3_and_1_days_before_expiry_each_once(
    biller, active, django_capture_on_commit_callbacks
):
    subscriber = active()
    pay(biller, subscriber, "500.00")
    end = subscriber.period_end
    with django_capture_on_commit_callbacks(execute=True):
        for days in (7, 3, 1):
            day = end - timedelta(days=days)
            isp_lifecycle_run(now=at(day, hour=9))
            isp_lifecycle_run(now=at(day, hour=15))
        isp_lifecycle_run(now=at(end - timedelta(days=5)))
    texts = [m.body for m in locmem.outbox if m.to == subscriber.phone]
    assert len(texts) == 3
    assert "in 7 days" in texts[0] and "in 3 days" in texts[1] and "tomorrow" in texts[2]
    assert all(str(end) in text for text in texts)


def test_no_grace_or_reminders_where_expiry_is_disabled(
    biller, tree, active, django_capture_on_commit_callbacks
):
    organization_update(
        organization=tree["north"],
        actor=biller.handler._force_user,
        changes={"billing_settings": {"disable_expiry": True}},
    )
    subscriber = active()
    with django_capture_on_commit_callbacks(execute=True):
        isp_lifecycle_run(now=at(subscriber.period_end - timedelta(days=7)))
        isp_lifecycle_run(now=at(subscriber.period_start + timedelta(days=5)))
    subscriber.refresh_from_db()
    assert subscriber.status == S.ACTIVE
    assert not [m for m in locmem.outbox if m.to == subscriber.phone]
