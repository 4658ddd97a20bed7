import pytest

from billing.demo import isp_billing_demo
from billing.models import IspInvoice, IspSubscriber, ResellerLedgerEntry
from tests.billing.isp.conftest import assert_ledger_consistent

pytestmark = pytest.mark.django_db


def test_demo_data_covers_every_status_and_a_second_run_adds_nothing():
    lines = isp_billing_demo(size="small")
    assert lines and all(isinstance(line, str) for line in lines)
    statuses = set(IspSubscriber.objects.values_list("status", flat=True))
    assert statuses >= {"new", "active", "suspended", "inactive"}
    assert statuses & {"grace", "suspended"}
    invoice_states = set(IspInvoice.objects.values_list("status", flat=True))
    assert invoice_states == {"paid", "partially_paid", "open"}
    counts = (
        IspSubscriber.objects.count(),
        IspInvoice.objects.count(),
        ResellerLedgerEntry.objects.count(),
    )
    isp_billing_demo(size="small")
    assert counts == (
        IspSubscriber.objects.count(),
        IspInvoice.objects.count(),
        ResellerLedgerEntry.objects.count(),
    )
    assert_ledger_consistent()
