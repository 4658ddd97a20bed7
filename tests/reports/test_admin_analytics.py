"""The admin analytics page: charts drawn on the server from the main series."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kyc.models import KycRecord
from lending.models import Customer, Loan
from reports.analytics.dashboard import bar_chart
from tests.factories import UserFactory
from tests.reports.conftest import staff_with

pytestmark = pytest.mark.django_db

PAGE = "/admin/reports/reportexport/analytics/"


def _loan(number: str, days_past_due: int, bucket: str, outstanding: str, overdue: str) -> Loan:
    customer = Customer.objects.create(
        customer_code=f"C{number}", name="Asha Rao", phone="+919812345678"
    )
    return Loan.objects.create(
        loan_account_number=f"LN{number}",
        customer=customer,
        principal_amount=Decimal("100000.00"),
        interest_rate=Decimal("12.00"),
        loan_type="personal",
        tenure_months=12,
        loan_date=timezone.localdate() - timedelta(days=120),
        outstanding_amount=Decimal(outstanding),
        overdue_amount=Decimal(overdue),
        days_past_due=days_past_due,
        delinquency_bucket=bucket,
    )


@pytest.fixture
def collections():
    _loan("1", 0, "current", "50000.00", "0.00")
    _loan("2", 45, "31-60", "20000.00", "4000.00")
    _loan("3", 50, "31-60", "10000.00", "2500.00")
    closed = _loan("4", 100, "90+", "700.00", "700.00")
    Loan.objects.filter(pk=closed.pk).update(status="closed")  # closed loans are not collected


@pytest.fixture
def verifications(shop):
    for user in (shop.ann, shop.bob):
        KycRecord.objects.create(
            user=user,
            kind="business",
            holder_name="Shop",
            status="verified",
            verified_at=timezone.now(),
        )
    KycRecord.objects.create(user=shop.cid, kind="business", holder_name="Shop")  # pending


def test_staff_with_the_permission_see_the_charts(client, shop, collections, verifications):
    client.force_login(staff_with("view_analytics"))
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    for title in ("Revenue (plan payments)", "Sign-ups", "KYC verifications", "delinquency bucket"):
        assert title in page
    assert page.count('<svg viewBox="0 0 760 220"') == 5
    assert 'src="http' not in page and "//cdn" not in page  # drawn here, nothing fetched
    charts = {chart["title"]: chart for chart in response.context["charts"]}
    revenue = charts["Revenue (plan payments)"]
    assert len(revenue["bars"]) == 30 and revenue["total"] == "1,296.00"
    today = f"{timezone.localdate():%d %b}"
    assert f"<title>{today}: 548.00</title>" in page  # t5 249 + t7 299, paid today
    assert charts["Sign-ups"]["total"] == "4"  # ann, bob, cid and the staff member
    assert charts["KYC verifications"]["total"] == "2"
    outstanding = charts["Collections: outstanding by delinquency bucket"]
    assert [(bar.label, bar.text) for bar in outstanding["bars"]] == [
        ("current", "50,000.00"),
        ("1-30", "0.00"),
        ("31-60", "30,000.00"),
        ("61-90", "0.00"),
        ("90+", "0.00"),
    ]
    assert "<title>31-60: 30,000.00</title>" in page
    loans = charts["Collections: open loans by delinquency bucket"]
    assert [bar.text for bar in loans["bars"]] == ["1", "0", "2", "0", "0"]
    buckets = {row["bucket"]: row for row in response.context["buckets"]}
    assert buckets["31-60"]["overdue"] == Decimal("6500.00")


def test_the_window_can_be_chosen(client, shop):
    client.force_login(staff_with("view_analytics"))
    week = client.get(PAGE, {"days": 7})
    assert len(week.context["charts"][0]["bars"]) == 7
    wrong = client.get(PAGE, {"days": 1000})
    assert wrong.status_code == 200 and "days" in wrong.context["errors"]
    assert len(wrong.context["charts"][0]["bars"]) == 30


def test_the_page_is_for_staff_with_the_permission(client):
    assert client.get(PAGE).status_code == 302  # to the admin sign-in
    client.force_login(UserFactory(subscriber_type="prepaid"))
    assert client.get(PAGE).status_code == 302
    client.force_login(staff_with("run_report"))
    assert client.get(PAGE).status_code == 403


def test_the_exports_list_links_to_the_page(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:reports_reportexport_changelist")).content.decode()
    assert f'href="{PAGE}"' in page


def test_bars_scale_to_the_largest_value():
    chart = bar_chart("x", [("a", 10), ("b", 5), ("c", 0)])
    heights = [bar.height for bar in chart["bars"]]
    assert heights[0] == 2 * heights[1] and heights[2] == 0
    assert all(bar.y + bar.height == chart["baseline"] for bar in chart["bars"])
    empty = bar_chart("y", [("a", 0)])
    assert empty["bars"][0].height == 0 and empty["total"] == "0"
