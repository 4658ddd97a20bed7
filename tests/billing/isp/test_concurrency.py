"""Real concurrency on PostgreSQL: threads with their own connections, released together."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from billing.models import IspInvoice, IspSubscriber, ResellerLedgerEntry
from billing.periods import isp_today
from billing.services.isp_invoicing import invoices_generate
from tests.billing.isp.conftest import assert_ledger_consistent, balance
from tests.idempotency.keys import new_key
from tests.recharge.conftest import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks, real concurrency)")


def test_20_parallel_activations_over_a_balance_for_10(
    super_admin, tree, days_package, make_subscriber, fund
):
    fund(tree["north"], "3000.00")  # ten activations at the reseller price 300
    subscribers = [make_subscriber(tree["north"], pkg=days_package) for _ in range(20)]

    def activate(i):
        client = APIClient()
        client.force_authenticate(super_admin)
        url = f"/api/v1/isp/subscribers/{subscribers[i].pk}/activate"
        return client.post(url, {}, format="json", headers=new_key()).status_code

    codes = run_together(20, activate)
    assert sorted(codes) == [200] * 10 + [422] * 10
    assert balance(tree["north"]) == Decimal("0.00")
    assert IspSubscriber.objects.filter(status="active").count() == 10
    assert IspInvoice.objects.count() == 10
    assert ResellerLedgerEntry.objects.filter(kind="activation").count() == 10
    assert_ledger_consistent()


def test_two_runs_at_once_start_each_period_once(
    super_admin, tree, days_package, make_subscriber, fund
):
    fund(tree["north"], "100000.00")
    client = APIClient()
    client.force_authenticate(super_admin)
    subscribers = [make_subscriber(tree["north"], pkg=days_package) for _ in range(12)]
    for subscriber in subscribers:
        url = f"/api/v1/isp/subscribers/{subscriber.pk}/activate"
        assert client.post(url, {}, format="json", headers=new_key()).status_code == 200
    end = isp_today() + timedelta(days=30)

    results = run_together(2, lambda i: invoices_generate(today=end))
    assert sum(r["invoices"] for r in results) == 12
    for subscriber in subscribers:
        starts = list(
            IspInvoice.objects.filter(subscriber=subscriber).values_list("period_start", flat=True)
        )
        assert sorted(starts) == [isp_today(), end]
    assert ResellerLedgerEntry.objects.filter(kind="renewal").count() == 12
    assert balance(tree["north"]) == Decimal("100000.00") - 24 * Decimal("300.00")
    assert_ledger_consistent()
