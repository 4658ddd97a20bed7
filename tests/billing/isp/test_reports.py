"""ISP reports through the reports engine: scoped rows, CSV and XLSX export."""

import pytest

from tests.billing.isp.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def billed(biller, tree, days_package, make_subscriber, fund):
    for name in ("north", "south"):
        fund(tree[name], "1000.00")
        subscriber = make_subscriber(tree[name], pkg=days_package)
        post(biller, f"/api/v1/isp/subscribers/{subscriber.pk}/activate")
        post(
            biller,
            f"/api/v1/isp/subscribers/{subscriber.pk}/pay",
            {"amount": "120.50", "method": "cash"},
        )


REPORTS = ("isp-invoices-report", "isp-collections-report", "isp-reseller-statement-report")


def test_reports_show_only_the_callers_tree(api_client, north_admin, billed):
    api_client.force_authenticate(north_admin)
    for slug in REPORTS:
        response = api_client.post(f"/api/v1/reports/{slug}", {}, format="json")
        assert response.status_code == 200, (slug, response.content)
        rows = response.json()["data"]
        assert rows, slug
        codes = {row.get("organization_code") for row in rows}
        assert codes == {"NORTH"}, slug
    collections = api_client.post("/api/v1/reports/isp-collections-report", {}, format="json")
    assert collections.json()["data"][0]["amount"] == "120.50"


def test_reports_export_csv_and_xlsx(biller, billed):
    csv = biller.post("/api/v1/reports/isp-invoices-report", {"export_type": "csv"}, format="json")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    body = b"".join(csv.streaming_content) if csv.streaming else csv.content
    assert body.count(b"\n") >= 3  # header and both invoices
    xlsx = biller.post(
        "/api/v1/reports/isp-reseller-statement-report", {"export_type": "xlsx"}, format="json"
    )
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]


def test_reports_need_the_permission(api_client, billed):
    from tests.factories import UserFactory

    api_client.force_authenticate(UserFactory())
    assert (
        api_client.post("/api/v1/reports/isp-invoices-report", {}, format="json").status_code == 403
    )
