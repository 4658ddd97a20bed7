"""Analytics figures against the known data of `shop`, their access rules and query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccountStatus, StaffType, User
from audit.models import Backup
from recharge.models import OfferRedemption, ReferralReward, Transaction, UserPlan
from tests.factories import UserFactory
from tests.reports.conftest import _txn, staff_with

pytestmark = pytest.mark.django_db

# Path and the number of queries its figures take (permission checks and the request log aside).
STAFF = {
    "admins": 2,
    "backup": 2,
    "current-active-plans": 3,
    "offers": 3,
    "plans": 3,
    "referrals": 5,
    "transactions": 3,
    "users-archive": 3,
    "users": 2,
}
ME = "/api/v1/analytics/me/users"
REQUEST_OVERHEAD = 4  # the caller's permissions (direct, groups, roles) and the request log


def url(path: str) -> str:
    return f"/api/v1/analytics/{path}"


@pytest.fixture
def analyst(api_client):
    user = staff_with("view_analytics")
    api_client.force_authenticate(user)
    return user


def get(api_client, path: str, **params) -> dict:
    response = api_client.get(url(path), params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("path", [*STAFF, "me/users"])
def test_anonymous_callers_get_401(api_client, path):
    assert api_client.get(url(path)).status_code == 401


@pytest.mark.parametrize("path", STAFF)
def test_staff_analytics_need_the_permission(api_client, path):
    api_client.force_authenticate(UserFactory(subscriber_type="prepaid"))
    assert api_client.get(url(path)).status_code == 403
    # Running reports is not the same right as looking at the dashboards.
    api_client.force_authenticate(staff_with("run_report"))
    assert api_client.get(url(path)).status_code == 403
    api_client.force_authenticate(staff_with("view_analytics"))
    assert api_client.get(url(path)).status_code == 200


def test_backup_analytics_needs_staff_although_the_seed_says_public(api_client):
    assert api_client.get(url("backup")).status_code == 401


def test_transactions_figures(api_client, analyst, shop):
    body = get(api_client, "transactions")
    assert body["window"]["days"] == 30
    assert body["totals"] == {
        "count": 7,
        "recharges": 4,
        "topup_count": 1,
        "revenue": "1296.00",
        "topups": "1000.00",
        "debits": "1296.00",
        "credits": "1050.00",
        "discounts": "100.00",
        "referral_rewards": "50.00",
        "reversals": "0.00",
    }
    assert body["by_status"] == {"pending": 0, "success": 6, "failed": 1, "reversed": 0}
    assert body["success_rate"] == round(6 / 7, 4)
    methods = {
        row["payment_method"]: (row["count"], row["amount"]) for row in body["by_payment_method"]
    }
    assert methods == {"wallet": (3, "797.00"), "UPI": (2, "1499.00"), "": (1, "50.00")}
    series = body["series"]
    assert len(series) == 30 and series[-1]["date"] == timezone.localdate().isoformat()
    assert sum(Decimal(day["revenue"]) for day in series) == Decimal("1296.00")
    assert sum(day["count"] for day in series) == 7
    by_date = {day["date"]: day for day in series}
    ten_days_ago = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert by_date[ten_days_ago]["topups"] == "1000.00"
    assert by_date[ten_days_ago]["revenue"] == "0.00"
    # A shorter window leaves the top-up of ten days ago out.
    week = get(api_client, "transactions", days=7)
    assert week["totals"]["topups"] == "0.00" and week["totals"]["count"] == 6
    assert len(week["series"]) == 7


def test_window_from_and_to(api_client, analyst, shop):
    day = shop.t1.created_at.date().isoformat()
    body = get(api_client, "transactions", **{"from": day, "to": day})
    assert body["window"] == {"from": day, "to": day, "days": 1}
    assert body["totals"]["count"] == 1 and body["totals"]["topups"] == "1000.00"
    assert [row["date"] for row in body["series"]] == [day]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"days": 0}, "days"),
        ({"days": 367}, "days"),
        ({"days": "many"}, "days"),
        ({"from": "2025-03-10", "to": "2025-03-01"}, "to"),
        ({"from": "2024-01-01", "to": "2025-03-01"}, "from"),
        ({"from": "2025-03-01", "days": 5}, "days"),
        ({"from": "2025-02-30"}, "from"),
    ],
)
def test_bad_windows_are_named(api_client, analyst, params, field):
    response = api_client.get(url("transactions"), params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_plans_figures(api_client, analyst, shop):
    body = get(api_client, "plans")
    assert (body["total"], body["most_popular"]) == (3, 1)
    assert body["by_status"] == {"active": 2, "inactive": 0, "retired": 1}
    assert body["by_plan_type"] == {"prepaid": 2, "postpaid": 1}
    assert body["subscriptions_in_window"] == 3 and body["revenue_in_window"] == "997.00"
    assert body["top_plans"] == [
        {
            "plan_id": shop.p1.pk,
            "plan_name": "Unlimited 28",
            "subscriptions": 2,
            "revenue": "498.00",
        },
        {
            "plan_id": shop.p2.pk,
            "plan_name": "Postpaid 499",
            "subscriptions": 1,
            "revenue": "499.00",
        },
    ]


def test_current_active_plans_figures(api_client, analyst, shop):
    body = get(api_client, "current-active-plans")
    assert (body["active"], body["queued"], body["subscribers"]) == (2, 1, 2)
    assert body["expiring_in_7_days"] == 1  # bob's ends in 5 days
    assert body["by_plan_type"] == {"prepaid": 1, "postpaid": 1}
    assert {row["plan_id"]: row["active"] for row in body["top_plans"]} == {
        shop.p1.pk: 1,
        shop.p2.pk: 1,
    }
    activations = {row["date"]: row["activations"] for row in body["series"]}
    assert activations[(timezone.localdate() - timedelta(days=1)).isoformat()] == 1
    assert sum(activations.values()) == 2  # the queued plan starts after the window


def test_offers_figures(api_client, analyst, shop):
    body = get(api_client, "offers")
    assert (body["total"], body["live_now"], body["special"]) == (2, 1, 1)
    assert body["by_status"] == {"active": 1, "inactive": 1, "retired": 0}
    assert body["redemptions_in_window"] == 2 and body["discount_in_window"] == "100.00"
    assert body["top_offers"] == [
        {"offer_id": shop.o1.pk, "offer_name": "Diwali 50", "redemptions": 2, "discount": "100.00"}
    ]


def test_referral_figures(api_client, analyst, shop):
    body = get(api_client, "referrals")
    assert body["totals"] == {
        "referrals": 2,
        "earned": 1,
        "pending": 1,
        "rewards_paid": "50.00",
        "referrals_in_window": 2,
        "earned_in_window": 1,
        "rewards_paid_in_window": "50.00",
        "referred_users": 2,
        "conversion_rate": 0.5,
    }
    assert body["top_referrers"] == [
        {
            "referrer_id": shop.cid.pk,
            "username": "cid",
            "referrals": 2,
            "earned": 1,
            "rewards": "50.00",
        }
    ]
    today = body["series"][-1]
    assert (today["referrals"], today["earned"], today["rewards_paid"]) == (2, 1, "50.00")


def test_user_figures(api_client, analyst, shop):
    UserFactory(status=AccountStatus.BLOCKED)
    old = UserFactory(subscriber_type="postpaid")
    User.objects.filter(pk=old.pk).update(date_joined=timezone.now() - timedelta(days=40))
    body = get(api_client, "users")
    # ann, bob, cid, the analyst, the blocked one and the old one.
    assert body["totals"]["total"] == 6 and body["totals"]["staff"] == 1
    assert body["totals"]["subscribers"] == 4 and body["totals"]["signups_in_window"] == 5
    assert body["by_status"]["active"] == 5 and body["by_status"]["blocked"] == 1
    assert body["by_subscriber_type"] == {"prepaid": 2, "postpaid": 2}
    assert body["series"][-1]["signups"] == 5


def test_archive_figures(api_client, analyst, shop):
    now = timezone.now()
    for days_ago, kind in ((3, "prepaid"), (3, "postpaid"), (45, "prepaid")):
        gone = UserFactory(subscriber_type=kind, status=AccountStatus.ARCHIVED)
        User.objects.filter(pk=gone.pk).update(status_changed_at=now - timedelta(days=days_ago))
    body = get(api_client, "users-archive")
    assert (body["archived_total"], body["archived_in_window"]) == (3, 2)
    assert body["by_kind"] == {"prepaid": 2, "postpaid": 1, "staff": 0}
    three_days_ago = (timezone.localdate() - timedelta(days=3)).isoformat()
    assert {d["date"]: d["archived"] for d in body["series"]}[three_days_ago] == 2
    monthly = body["monthly"]
    assert len(monthly) == 12 and monthly[-1]["month"] == f"{timezone.localdate():%Y-%m}"
    assert sum(m["archived"] for m in monthly) == 3


def test_admin_figures(api_client, analyst):
    UserFactory(is_staff=True, user_type=StaffType.NOC_MANAGER, status=AccountStatus.BLOCKED)
    UserFactory(is_staff=True, is_superuser=True, user_type=StaffType.SUPER_ADMIN)
    User.objects.filter(pk=analyst.pk).update(last_login=timezone.now())
    UserFactory(subscriber_type="prepaid")  # not staff
    body = get(api_client, "admins")
    assert body["totals"] == {
        "total": 3,
        "superusers": 1,
        "two_factor_enabled": 0,
        "signed_in_in_window": 1,
        "new_in_window": 3,
    }
    assert body["by_staff_type"]["admin"] == 1 and body["by_staff_type"]["noc_manager"] == 1
    assert body["by_status"]["blocked"] == 1 and body["by_status"]["active"] == 2


def _backup(name: str, status: str, size: int | None = None) -> Backup:
    done = status == "success"
    return Backup.objects.create(
        name=name,
        database="platform",
        file_path=f"/nowhere/{name}",
        status=status,
        size_bytes=size,
        checksum_sha256="0" * 64 if done else "",
        completed_at=timezone.now() if done else None,
    )


def test_backup_figures(api_client, analyst):
    _backup("a.dump", "success", 1000)
    _backup("b.dump", "success", 500)
    _backup("c.dump", "failed")
    _backup("d.dump", "running")
    body = get(api_client, "backup")
    assert body["by_status"] == {"pending": 0, "running": 1, "success": 2, "failed": 1}
    assert (body["total"], body["in_window"], body["completed_size_bytes"]) == (4, 4, 1500)
    assert body["success_rate"] == round(2 / 3, 4) and body["last_completed_at"]
    today = body["series"][-1]
    assert (today["backups"], today["completed"], today["failed"], today["size_bytes"]) == (
        4,
        2,
        1,
        1500,
    )


def test_my_insight_is_the_callers_own(api_client, shop):
    api_client.force_authenticate(shop.ann)
    body = api_client.get(ME).json()
    assert body["wallet_balance"] == "203.00"
    assert body["totals"] == {
        "transactions": 4,
        "recharges": 3,
        "spent": "797.00",
        "topped_up": "1000.00",
        "saved": "100.00",
        "referral_rewards": "0.00",
    }
    months = body["spend_by_month"]
    assert len(months) == 12 and months[-1]["month"] == f"{timezone.localdate():%Y-%m}"
    assert sum(Decimal(m["spent"]) for m in months) == Decimal("797.00")
    assert [(p["plan_name"], p["times"], p["spent"]) for p in body["plans_used"]] == [
        ("Unlimited 28", 2, "498.00")
    ]
    assert [p["plan_id"] for p in body["active_plans"]] == [shop.p1.pk]
    assert body["referrals"] == {"referred": 0, "earned": 0, "rewards": "0.00"}
    assert len(api_client.get(ME, {"months": 3}).json()["spend_by_month"]) == 3
    assert api_client.get(ME, {"months": 0}).status_code == 400

    api_client.force_authenticate(shop.cid)
    theirs = api_client.get(ME).json()
    assert theirs["wallet_balance"] == "0.00" and theirs["totals"]["referral_rewards"] == "50.00"
    assert theirs["referrals"] == {"referred": 2, "earned": 1, "rewards": "50.00"}
    assert theirs["plans_used"] == []


def _more(shop) -> None:
    """More of everything, so a query per row would show in the counts."""
    now = timezone.now()
    for n in range(6):
        buyer = UserFactory(subscriber_type="prepaid", is_staff=n % 2 == 0)
        paid = _txn(buyer, n, amount="299.00", plan=shop.p1 if n % 2 else shop.p2, offer=shop.o1)
        UserPlan.objects.create(
            user=buyer,
            plan=paid.plan,
            transaction=paid,
            phone_number="+919811111111",
            valid_from=now,
            valid_to=now + timedelta(days=28),
            status="active",
        )
        OfferRedemption.objects.create(
            offer=shop.o1, user=buyer, transaction=paid, discount_amount="5.00"
        )
        ReferralReward.objects.create(referrer=buyer, referred=UserFactory(), reward_amount="25.00")
        _backup(f"more{n}.dump", "success", 10)
        gone = UserFactory(status=AccountStatus.ARCHIVED)
        User.objects.filter(pk=gone.pk).update(status_changed_at=now - timedelta(days=n))
    assert Transaction.objects.count() == 13


@pytest.mark.parametrize("path", STAFF)
def test_a_fixed_number_of_queries(api_client, analyst, shop, path, django_assert_max_num_queries):
    with django_assert_max_num_queries(STAFF[path] + REQUEST_OVERHEAD):
        get(api_client, path)
    # The caller's permissions are cached from here on: the rest is the figures alone.
    with CaptureQueriesContext(connection) as few:
        get(api_client, path)
    _more(shop)
    with django_assert_max_num_queries(STAFF[path] + REQUEST_OVERHEAD):
        get(api_client, path, days=90)
    with CaptureQueriesContext(connection) as many:
        get(api_client, path, days=366)
    assert len(many) == len(few)


def test_my_insight_takes_a_fixed_number_of_queries(
    api_client, shop, django_assert_max_num_queries
):
    api_client.force_authenticate(shop.ann)
    with CaptureQueriesContext(connection) as few:
        api_client.get(ME)
    for days_ago in range(10):
        _txn(shop.ann, days_ago * 20, amount="10.00", plan=shop.p2)
    with django_assert_max_num_queries(6 + 1):  # six figures and the request log
        api_client.get(ME, {"months": 24})
    with CaptureQueriesContext(connection) as many:
        api_client.get(ME)
    assert len(many) == len(few)
