"""Activation, the scheduled invoice run, proration and package changes, through the API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from billing.models import IspInvoice, ResellerLedgerEntry, SubscriberStatus
from billing.periods import isp_today
from billing.services.isp_invoicing import invoices_generate
from config.money import money
from tests.billing.isp.conftest import assert_ledger_consistent, balance, post

pytestmark = pytest.mark.django_db


def activate(client, subscriber):
    return post(client, f"/api/v1/isp/subscribers/{subscriber.pk}/activate")


def test_activation_invoices_the_first_period_and_debits_the_reseller_its_tier_price(
    biller, tree, days_package, make_subscriber, fund
):
    fund(tree["north"], "1000.00")
    subscriber = make_subscriber(tree["north"], pkg=days_package)
    response = activate(biller, subscriber)
    assert response.status_code == 200, response.content
    body = response.json()
    today = isp_today()
    assert body["status"] == "active"
    assert body["period_start"] == str(today)
    assert body["period_end"] == str(today + timedelta(days=30))
    invoice = IspInvoice.objects.get(subscriber=subscriber)
    assert invoice.total == Decimal("500.00") and invoice.due_date == today
    assert balance(tree["north"]) == Decimal("700.00")  # 1000 - the reseller price 300
    assert_ledger_consistent()


def test_a_mid_month_activation_is_charged_its_share_of_the_month(
    biller, tree, package, make_subscriber, fund
):
    fund(tree["north"], "1000.00")
    today = isp_today()
    billing_day = 1 if today.day != 1 else 15
    subscriber = make_subscriber(tree["north"], billing_day=billing_day)
    assert activate(biller, subscriber).status_code == 200
    # The period ends at the next billing day; the full month is the one ending there.
    end = today.replace(day=billing_day)
    if end <= today:
        end = (end.replace(day=28) + timedelta(days=7)).replace(day=billing_day)
    month_start = (end.replace(day=1) - timedelta(days=1)).replace(day=billing_day)
    days, full = (end - today).days, (end - month_start).days
    invoice = IspInvoice.objects.get(subscriber=subscriber)
    assert (invoice.period_start, invoice.period_end) == (today, end)
    assert invoice.total == money(Decimal("1000.00") * days / full)
    assert invoice.lines.get().days == days and invoice.lines.get().period_days == full
    assert balance(tree["north"]) == Decimal("1000.00") - money(Decimal("600.00") * days / full)


def test_the_run_starts_the_next_period_once_however_often_it_runs(
    biller, tree, days_package, make_subscriber, fund
):
    fund(tree["north"], "1000.00")
    subscriber = make_subscriber(tree["north"], pkg=days_package)
    activate(biller, subscriber)
    subscriber.refresh_from_db()
    end = subscriber.period_end
    assert invoices_generate(today=end - timedelta(days=1))["invoices"] == 0
    assert invoices_generate(today=end)["invoices"] == 1
    assert invoices_generate(today=end)["invoices"] == 0
    call_command("isp_invoices_generate", "--date", str(end))
    invoices = IspInvoice.objects.filter(subscriber=subscriber).order_by("period_start")
    assert [(i.period_start, i.period_end) for i in invoices] == [
        (end - timedelta(days=30), end),
        (end, end + timedelta(days=30)),
    ]
    assert balance(tree["north"]) == Decimal("400.00")  # two periods at 300


def test_no_invoice_while_suspended(biller, tree, days_package, make_subscriber, fund):
    fund(tree["north"], "1000.00")
    subscriber = make_subscriber(tree["north"], pkg=days_package)
    activate(biller, subscriber)
    response = biller.post(
        f"/api/v1/isp/subscribers/{subscriber.pk}/suspend", {"reason": "asked"}, format="json"
    )
    assert response.json()["status"] == SubscriberStatus.SUSPENDED
    subscriber.refresh_from_db()
    assert invoices_generate(today=subscriber.period_end + timedelta(days=40))["invoices"] == 0
    assert IspInvoice.objects.filter(subscriber=subscriber).count() == 1


def test_an_upgrade_mid_period_is_prorated_on_the_invoice_and_for_the_reseller(
    biller, tree, days_package, big_package, make_subscriber, fund
):
    fund(tree["north"], "5000.00")
    subscriber = make_subscriber(tree["north"], pkg=days_package)
    activate(biller, subscriber)
    # Ten days into the period: 20 of its 30 days are left.
    today = isp_today()
    type(subscriber).objects.filter(pk=subscriber.pk).update(
        period_start=today - timedelta(days=10), period_end=today + timedelta(days=20)
    )
    IspInvoice.objects.filter(subscriber=subscriber).update(
        period_start=today - timedelta(days=10),
        period_end=today + timedelta(days=20),
        due_date=today - timedelta(days=10),
    )
    before = balance(tree["north"])
    response = post(
        biller,
        f"/api/v1/isp/subscribers/{subscriber.pk}/change-package",
        {"package": big_package.pk},
    )
    assert response.status_code == 200, response.content
    invoice = IspInvoice.objects.get(subscriber=subscriber)
    credit, charge = money(Decimal("500") * 20 / 30), money(Decimal("2000") * 20 / 30)
    assert invoice.total == Decimal("500.00") - credit + charge
    assert sorted(line.amount for line in invoice.lines.all()) == sorted(
        [Decimal("500.00"), -credit, charge]
    )
    # The reseller pays the difference of its tier prices (300 -> 1200) for 20 of 30 days.
    difference = money(Decimal("1200") * 20 / 30) - money(Decimal("300") * 20 / 30)
    assert balance(tree["north"]) == before - difference
    assert ResellerLedgerEntry.objects.filter(kind="package_change").get().amount == -difference
    assert_ledger_consistent()


def test_a_downgrade_below_what_is_paid_is_refused(
    biller, tree, days_package, big_package, make_subscriber, fund
):
    fund(tree["north"], "5000.00")
    subscriber = make_subscriber(tree["north"], pkg=big_package)
    activate(biller, subscriber)
    post(
        biller,
        f"/api/v1/isp/subscribers/{subscriber.pk}/pay",
        {"amount": "2000.00", "method": "cash"},
    )
    response = post(
        biller,
        f"/api/v1/isp/subscribers/{subscriber.pk}/change-package",
        {"package": days_package.pk},
    )
    assert response.status_code == 409
    subscriber.refresh_from_db()
    assert subscriber.package_id == big_package.pk


def test_renewing_ahead_invoices_the_next_period_once(
    biller, tree, days_package, make_subscriber, fund
):
    fund(tree["north"], "1000.00")
    subscriber = make_subscriber(tree["north"], pkg=days_package)
    activate(biller, subscriber)
    response = post(biller, f"/api/v1/isp/subscribers/{subscriber.pk}/renew")
    assert response.status_code == 201, response.content
    subscriber.refresh_from_db()
    assert response.json()["period_end"] == str(subscriber.period_end)
    assert IspInvoice.objects.filter(subscriber=subscriber).count() == 2
    assert balance(tree["north"]) == Decimal("400.00")
    # The run finds nothing to do until the renewed period ends.
    assert invoices_generate(today=isp_today() + timedelta(days=30))["invoices"] == 0
