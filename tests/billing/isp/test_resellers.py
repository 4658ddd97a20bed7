"""Reseller balances: top-ups, commissions, statements, and debits that never overdraw."""

from decimal import Decimal

import pytest

from billing.models import ResellerCommission, ResellerLedgerEntry
from billing.periods import isp_today
from tests.billing.isp.conftest import assert_ledger_consistent, balance, enable_sharing, post

pytestmark = pytest.mark.django_db


def activate(client, subscriber):
    return post(client, f"/api/v1/isp/subscribers/{subscriber.pk}/activate")


def test_activation_is_refused_when_the_reseller_cannot_pay_and_nothing_changes(
    biller, tree, days_package, make_subscriber, fund
):
    fund(tree["north"], "299.99")
    subscriber = make_subscriber(tree["north"], pkg=days_package)
    response = activate(biller, subscriber)
    assert response.status_code == 422 and response.json()["code"] == "insufficient_balance"
    subscriber.refresh_from_db()
    assert subscriber.status == "new" and not subscriber.invoices.exists()
    assert balance(tree["north"]) == Decimal("299.99")


def test_a_sub_resellers_debits_pay_its_parent_the_commission_its_settings_give(
    biller, super_admin, tree, days_package, big_package, make_subscriber, fund
):
    enable_sharing(tree["n1"], super_admin, percent="5.00")
    fund(tree["n1"], "10000.00")
    north_before = balance(tree["north"])
    for pkg in (days_package, days_package, big_package):
        assert activate(biller, make_subscriber(tree["n1"], pkg=pkg)).status_code == 200
    debits = ResellerLedgerEntry.objects.filter(account__organization=tree["n1"], amount__lt=0)
    paid = -sum(entry.amount for entry in debits)
    assert paid == Decimal("350.00") * 2 + Decimal("1400.00")  # sub-reseller tier prices
    commissions = ResellerCommission.objects.filter(beneficiary=tree["north"])
    assert commissions.count() == 3
    assert sum(c.amount for c in commissions) == paid * Decimal("0.05")
    assert balance(tree["north"]) - north_before == paid * Decimal("0.05")
    assert_ledger_consistent()


def test_no_commission_without_revenue_sharing(biller, tree, days_package, make_subscriber, fund):
    fund(tree["n1"], "1000.00")
    activate(biller, make_subscriber(tree["n1"], pkg=days_package))
    assert not ResellerCommission.objects.exists()
    assert balance(tree["north"]) == Decimal("0.00")


def test_a_reseller_tops_up_its_sub_reseller_from_its_own_balance_only(
    api_client, north_admin, tree, fund
):
    fund(tree["north"], "100.00")
    api_client.force_authenticate(north_admin)
    url = "/api/v1/isp/resellers/top-up"
    body = {"organization": tree["n1"].pk, "amount": "60.00", "reason": "cash"}
    assert post(api_client, url, body).status_code == 201
    assert (balance(tree["north"]), balance(tree["n1"])) == (Decimal("40.00"), Decimal("60.00"))
    assert post(api_client, url, body).status_code == 422  # holds only 40
    own = post(api_client, url, {**body, "organization": tree["north"].pk})
    assert own.status_code == 403  # nobody tops themselves up
    assert post(api_client, url, {**body, "organization": tree["south"].pk}).status_code == 400
    assert_ledger_consistent()


def test_statement_for_a_period(biller, tree, days_package, make_subscriber, fund):
    fund(tree["north"], "1000.00")
    activate(biller, make_subscriber(tree["north"], pkg=days_package))
    account = tree["north"].reseller_account
    today = str(isp_today())
    response = biller.get(
        f"/api/v1/isp/resellers/{account.pk}/statement",
        {"date_from": today, "date_to": today},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["opening_balance"], body["credits"], body["debits"]) == (
        "0.00",
        "1000.00",
        "300.00",
    )
    assert body["closing_balance"] == "700.00" == str(balance(tree["north"]))
    assert body["totals_by_kind"] == {"activation": "-300.00", "top_up": "1000.00"}
    assert [entry["kind"] for entry in body["entries"]] == ["top_up", "activation"]
    ledger = biller.get(f"/api/v1/isp/resellers/{account.pk}/ledger", {"kind": "activation"})
    assert ledger.json()["count"] == 1


def test_ledger_entries_cannot_be_changed_or_deleted(tree, fund):
    fund(tree["north"], "10.00")
    entry = ResellerLedgerEntry.objects.get()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        ResellerLedgerEntry.objects.all().delete()
