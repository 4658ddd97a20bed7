"""The recharge reports: filters, orderings, money, files, and whose rows a caller sees."""

import csv
import io

import openpyxl
import pytest

from reports.models import ReportExport
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.reports.conftest import staff_with

pytestmark = pytest.mark.django_db

STAFF_REPORTS = [
    "autopay-report",
    "current-active-plans-report",
    "offers-report",
    "plans-report",
    "referral-report",
    "transactions-report",
]
ME = "/api/v1/reports/me/transactions-report"
TXNS = "/api/v1/reports/transactions-report"


def url(slug: str) -> str:
    return f"/api/v1/reports/{slug}"


@pytest.fixture
def analyst(api_client):
    user = staff_with("run_report")
    api_client.force_authenticate(user)
    return user


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["data"]


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("slug", STAFF_REPORTS)
def test_staff_reports_need_the_permission(api_client, shop, slug):
    assert api_client.post(url(slug), {}, format="json").status_code == 401
    api_client.force_authenticate(shop.ann)
    assert api_client.post(url(slug), {}, format="json").status_code == 403
    api_client.force_authenticate(staff_with("view_analytics"))
    assert api_client.post(url(slug), {}, format="json").status_code == 403


def test_transactions_filters_orderings_and_money(api_client, analyst, shop):
    every = api_client.post(TXNS, {"order_by": "transaction_id"}, format="json").json()
    assert every["total"] == 7
    assert [r["transaction_id"] for r in every["data"]] == [
        t.pk for t in (shop.t1, shop.t2, shop.t3, shop.t4, shop.t5, shop.t6, shop.t7)
    ]
    first = every["data"][1]
    assert first["amount"] == "249.00" and first["gross_amount"] == "299.00"
    assert first["discount_amount"] == "50.00" and first["plan_name"] == "Unlimited 28"
    assert first["offer_name"] == "Diwali 50" and first["username"] == "ann"
    assert every["data"][0]["gross_amount"] is None

    failed = rows(api_client.post(TXNS, {"statuses": ["failed"]}, format="json"))
    assert [r["transaction_id"] for r in failed] == [shop.t4.pk]
    topups = rows(api_client.post(TXNS, {"sources": ["wallet_topup"]}, format="json"))
    assert [r["amount"] for r in topups] == ["1000.00"]
    bobs = rows(
        api_client.post(
            TXNS,
            {"user_ids": [shop.bob.pk], "order_by": "transaction_id", "order_dir": "desc"},
            format="json",
        )
    )
    assert [r["transaction_id"] for r in bobs] == [shop.t4.pk, shop.t3.pk]
    by_amount = rows(
        api_client.post(
            TXNS,
            {"plan_ids": [shop.p1.pk], "order_by": "amount", "order_dir": "desc"},
            format="json",
        )
    )
    # 299.00 first, then the two 249.00 payments in id order (the tie-break).
    assert [r["transaction_id"] for r in by_amount] == [shop.t7.pk, shop.t2.pk, shop.t5.pk]
    older = rows(
        api_client.post(
            TXNS,
            {"date_to": shop.t1.created_at.date().isoformat(), "categories": ["wallet"]},
            format="json",
        )
    )
    assert [r["transaction_id"] for r in older] == [shop.t1.pk]
    page = api_client.post(
        TXNS, {"order_by": "transaction_id", "limit": 2, "offset": 5}, format="json"
    ).json()
    assert [r["transaction_id"] for r in page["data"]] == [shop.t6.pk, shop.t7.pk]
    assert (page["total"], page["limit"], page["offset"]) == (7, 2, 5)


@pytest.mark.parametrize(
    ("slug", "body", "field"),
    [
        ("offers-report", {"offer_id": [1]}, "offer_id"),
        ("offers-report", {"order_by": "discount_value"}, "order_by"),
        ("plans-report", {"user_ids": [1]}, "user_ids"),
        ("transactions-report", {"order_by": "reference"}, "order_by"),
        ("transactions-report", {"statuses": "success"}, "statuses"),
        ("autopay-report", {"not_removed": "yes"}, "not_removed"),
        ("referral-report", {"date_to": "2024-02-30"}, "date_to"),
        ("current-active-plans-report", {"statuses": ["active"]}, "statuses"),
    ],
)
def test_unknown_or_bad_filters_are_named(api_client, analyst, slug, body, field):
    response = api_client.post(url(slug), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_offers_report_takes_the_seed_example(api_client, analyst, shop):
    body = {
        "offer_ids": [shop.o1.pk],
        "statuses": ["active"],
        "order_by": "created_at",
        "order_dir": "desc",
        "limit": 0,
        "offset": 0,
        "export_type": "none",
    }
    data = rows(api_client.post(url("offers-report"), body, format="json"))
    assert len(data) == 1
    offer = data[0]
    assert offer["offer_name"] == "Diwali 50" and offer["offer_type"] == "Festive"
    assert offer["discount_value"] == "50.00" and offer["max_discount"] is None
    assert offer["discount_given"] == "100.00" and offer["redemptions_count"] == 2
    inactive = rows(
        api_client.post(url("offers-report"), {"statuses": ["inactive"]}, format="json")
    )
    assert [o["offer_id"] for o in inactive] == [shop.o2.pk]
    assert inactive[0]["discount_given"] == "0.00" and inactive[0]["max_discount"] == "40.00"
    special = rows(api_client.post(url("offers-report"), {"is_special": True}, format="json"))
    assert [o["offer_id"] for o in special] == [shop.o2.pk]
    by_use = rows(
        api_client.post(
            url("offers-report"),
            {"order_by": "discount_given", "order_dir": "desc"},
            format="json",
        )
    )
    assert [o["offer_id"] for o in by_use] == [shop.o1.pk, shop.o2.pk]


def test_plans_report_counts_subscriptions_and_revenue(api_client, analyst, shop):
    data = rows(
        api_client.post(
            url("plans-report"), {"order_by": "subscriptions", "order_dir": "desc"}, format="json"
        )
    )
    assert [p["plan_id"] for p in data] == [shop.p1.pk, shop.p2.pk, shop.p3.pk]
    figures = {
        p["plan_name"]: (p["subscriptions"], p["active_subscriptions"], p["revenue"]) for p in data
    }
    assert figures == {
        "Unlimited 28": (2, 1, "498.00"),
        "Postpaid 499": (1, 1, "499.00"),
        "Old 99": (0, 0, "0.00"),
    }
    assert data[0]["price"] == "299.00" and data[0]["group_name"] == "Mobile"
    postpaid = rows(
        api_client.post(url("plans-report"), {"plan_types": ["postpaid"]}, format="json")
    )
    assert [p["plan_id"] for p in postpaid] == [shop.p2.pk]
    retired = rows(api_client.post(url("plans-report"), {"statuses": ["retired"]}, format="json"))
    assert [p["plan_name"] for p in retired] == ["Old 99"]
    popular = rows(api_client.post(url("plans-report"), {"most_popular": True}, format="json"))
    assert [p["plan_id"] for p in popular] == [shop.p1.pk]
    by_price = rows(api_client.post(url("plans-report"), {"order_by": "price"}, format="json"))
    assert [p["price"] for p in by_price] == ["99.00", "299.00", "499.00"]


def test_current_active_plans_report(api_client, analyst, shop):
    data = rows(api_client.post(url("current-active-plans-report"), {}, format="json"))
    # Ordered by expiry by default: bob's ends first; ann's queued plan is not active yet.
    assert [p["user_plan_id"] for p in data] == [shop.up2.pk, shop.up1.pk]
    assert data[1]["amount_paid"] == "249.00" and data[1]["price"] == "299.00"
    postpaid = rows(
        api_client.post(
            url("current-active-plans-report"), {"plan_types": ["postpaid"]}, format="json"
        )
    )
    assert [p["username"] for p in postpaid] == ["bob"]
    anns = rows(
        api_client.post(
            url("current-active-plans-report"),
            {"user_ids": [shop.ann.pk], "order_by": "valid_from"},
            format="json",
        )
    )
    assert [p["user_plan_id"] for p in anns] == [shop.up1.pk]


def test_autopay_report(api_client, analyst, shop):
    data = rows(api_client.post(url("autopay-report"), {"order_by": "autopay_id"}, format="json"))
    assert [a["autopay_id"] for a in data] == [shop.a1.pk, shop.a2.pk]
    assert (data[0]["charges_succeeded"], data[0]["charges_failed"]) == (1, 1)
    assert data[0]["price"] == "299.00" and data[1]["charges_succeeded"] == 0
    live = rows(api_client.post(url("autopay-report"), {"not_removed": True}, format="json"))
    assert [a["autopay_id"] for a in live] == [shop.a1.pk]
    disabled = rows(
        api_client.post(url("autopay-report"), {"statuses": ["disabled"]}, format="json")
    )
    assert [a["username"] for a in disabled] == ["bob"]


def test_referral_report(api_client, analyst, shop):
    data = rows(api_client.post(url("referral-report"), {"order_by": "referral_id"}, format="json"))
    assert [r["referral_id"] for r in data] == [shop.rr1.pk, shop.rr2.pk]
    assert data[0]["referral_code"] == "CID123" and data[0]["referred_username"] == "ann"
    assert data[0]["reward_amount"] == "50.00" and data[0]["transaction_id"] == shop.t6.pk
    earned = rows(api_client.post(url("referral-report"), {"statuses": ["earned"]}, format="json"))
    assert [r["referral_id"] for r in earned] == [shop.rr1.pk]
    of_bob = rows(
        api_client.post(url("referral-report"), {"referred_ids": [shop.bob.pk]}, format="json")
    )
    assert [r["status"] for r in of_bob] == ["pending"]


def test_my_transactions_show_only_the_callers_rows(api_client, shop):
    assert api_client.post(ME, {}, format="json").status_code == 401
    api_client.force_authenticate(shop.ann)
    mine = api_client.post(ME, {"order_by": "transaction_id"}, format="json").json()
    assert [r["transaction_id"] for r in mine["data"]] == [
        shop.t1.pk,
        shop.t2.pk,
        shop.t5.pk,
        shop.t7.pk,
    ]
    assert mine["total"] == 4
    assert "user_id" not in mine["data"][0] and "gateway_reference" not in mine["data"][0]
    # Naming someone else's payment finds nothing; naming another user is not a filter here.
    theirs = api_client.post(ME, {"transaction_ids": [shop.t3.pk]}, format="json").json()
    assert theirs["data"] == [] and theirs["total"] == 0
    other = api_client.post(ME, {"user_ids": [shop.bob.pk]}, format="json")
    assert other.status_code == 400 and "user_ids" in other.json()["errors"]
    exported = read_csv(api_client.post(ME, {"export_type": "csv"}, format="json"))
    assert {row["reference"] for row in exported} == {
        str(t.reference) for t in (shop.t1, shop.t2, shop.t5, shop.t7)
    }
    api_client.force_authenticate(shop.bob)
    bobs = rows(api_client.post(ME, {"statuses": ["failed"]}, format="json"))
    assert [r["transaction_id"] for r in bobs] == [shop.t4.pk]


def test_transactions_csv_has_money_text_iso_times_and_escaped_formulas(api_client, analyst, shop):
    exported = read_csv(
        api_client.post(TXNS, {"export_type": "csv", "order_by": "transaction_id"}, format="json")
    )
    assert [int(row["transaction_id"]) for row in exported] == [
        t.pk for t in (shop.t1, shop.t2, shop.t3, shop.t4, shop.t5, shop.t6, shop.t7)
    ]
    assert exported[0]["amount"] == "1000.00" and exported[0]["gross_amount"] == ""
    assert exported[1]["discount_amount"] == "50.00"
    assert exported[3]["failure_reason"] == '\'=HYPERLINK("http://evil.example")'
    assert exported[0]["phone_number"] == "'+919800000001"  # "+" would start a formula
    assert exported[0]["reference"] == str(shop.t1.reference)
    created = exported[0]["created_at"]
    assert created.startswith(shop.t1.created_at.date().isoformat() + "T")
    assert created.endswith("+00:00")


def test_transactions_xlsx_has_numbers_for_money(api_client, analyst, shop):
    response = api_client.post(
        TXNS,
        {"export_type": "xlsx", "order_by": "transaction_id", "statuses": ["failed", "success"]},
        format="json",
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = list(book.active.iter_rows(values_only=True))
    header, body = sheet[0], sheet[1:]
    assert len(body) == 7
    cell = dict(zip(header, body[1], strict=True))
    assert cell["amount"] == 249 and isinstance(cell["amount"], (int, float))
    assert cell["plan_name"] == "Unlimited 28" and cell["username"] == "ann"
    failed = dict(zip(header, body[3], strict=True))
    assert failed["failure_reason"].startswith("'=")


def test_large_my_transactions_export_downloads_for_its_owner_only(api_client, shop, settings):
    settings.REPORT_ASYNC_THRESHOLD = 1
    settings.MEDIA_ROOT = str(settings.VAR_DIR / "test-media")
    api_client.force_authenticate(shop.ann)
    queued = api_client.post(ME, {"export_type": "csv"}, format="json")
    assert queued.status_code == 202
    export = ReportExport.objects.get(pk=queued.json()["export_id"])
    assert export.status == "completed" and export.rows == 4
    download = f"/api/v1/reports/exports/{export.pk}/download"
    content = b"".join(api_client.get(download).streaming_content).decode()
    assert len(content.splitlines()) == 5 and "1000.00" in content
    api_client.force_authenticate(shop.bob)
    assert api_client.get(download).status_code == 404
    api_client.force_authenticate(UserFactory())
    assert api_client.get(f"/api/v1/reports/exports/{export.pk}").status_code == 404
    export.file.delete()


def test_a_real_bearer_token_reaches_my_report_and_insight(api_client, shop):
    login = api_client.post(
        "/api/v1/auth/login", {"username": "bob", "password": DEFAULT_PASSWORD}, format="json"
    )
    assert login.status_code == 200, login.content
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    mine = rows(api_client.post(ME, {"order_by": "transaction_id"}, format="json"))
    assert [r["transaction_id"] for r in mine] == [shop.t3.pk, shop.t4.pk]
    insight = api_client.get("/api/v1/analytics/me/users").json()
    assert insight["totals"]["spent"] == "499.00" and insight["totals"]["transactions"] == 2
    assert api_client.post(TXNS, {}, format="json").status_code == 403


def test_both_csv_paths_write_the_same_file(api_client, analyst, shop, settings):
    from datetime import datetime

    body = {"export_type": "csv", "order_by": "transaction_id"}
    settings.REPORT_CSV_COPY = True  # PostgreSQL writes it (COPY); elsewhere csv.writer does
    first = read_csv(api_client.post(TXNS, body, format="json"))
    settings.REPORT_CSV_COPY = False
    second = read_csv(api_client.post(TXNS, body, format="json"))
    assert len(first) == len(second) == 7
    for a, b in zip(first, second, strict=True):
        for key in ("created_at", "updated_at"):  # the same instant; fraction digits may differ
            assert datetime.fromisoformat(a.pop(key)) == datetime.fromisoformat(b.pop(key))
        assert a == b
