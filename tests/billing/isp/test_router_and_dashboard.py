"""The router integration and the dashboard's billing figures."""

from decimal import Decimal

import pytest

from billing.router import LoggedCommandsRouter
from billing.services.organizations import organization_update
from tests.billing.isp.conftest import post

pytestmark = pytest.mark.django_db


def unwrapped(body: dict) -> dict:
    """Seed 003's envelope, when the reply carries it, holds the figures in `data`."""
    return body["data"] if "success" in body and "data" in body else body


@pytest.fixture
def logged_router(settings):
    settings.ISP_ROUTER_BACKEND = "billing.router.LoggedCommandsRouter"
    LoggedCommandsRouter.sent.clear()
    return LoggedCommandsRouter.sent


def test_router_is_told_after_commit_and_gets_the_mobile_only_when_the_setting_says(
    biller, super_admin, tree, days_package, make_subscriber, fund, logged_router
):
    fund(tree["north"], "1000.00")
    quiet = make_subscriber(tree["north"], pkg=days_package)
    post(biller, f"/api/v1/isp/subscribers/{quiet.pk}/activate")
    assert any(f'name="{quiet.pppoe_username}"' in c for c in logged_router)
    assert any("disabled=no" in c for c in logged_router)
    assert not any(quiet.phone in c for c in logged_router)

    organization_update(
        organization=tree["north"],
        actor=super_admin,
        changes={"sync_settings": {"sync_customer_mobile_to_mikrotik": True}},
    )
    logged_router.clear()
    shared = make_subscriber(tree["north"], pkg=days_package)
    post(biller, f"/api/v1/isp/subscribers/{shared.pk}/activate")
    assert any(shared.phone in c for c in logged_router)
    logged_router.clear()
    biller.post(f"/api/v1/isp/subscribers/{shared.pk}/suspend", {}, format="json")
    assert any("disabled=yes" in c for c in logged_router)


def test_the_noop_router_is_the_default(settings):
    assert settings.ISP_ROUTER_BACKEND == "billing.router.NoopRouter"


def test_dashboard_gains_billing_figures_and_keeps_the_seed_keys(
    api_client, biller, super_admin, north_admin, tree, days_package, make_subscriber, fund
):
    fund(tree["north"], "1000.00")
    fund(tree["south"], "1000.00")
    mine = make_subscriber(tree["north"], pkg=days_package)
    theirs = make_subscriber(tree["south"], pkg=days_package)
    for subscriber in (mine, theirs):
        post(biller, f"/api/v1/isp/subscribers/{subscriber.pk}/activate")
    post(biller, f"/api/v1/isp/subscribers/{mine.pk}/pay", {"amount": "200.00", "method": "cash"})
    biller.post(f"/api/v1/isp/subscribers/{theirs.pk}/suspend", {}, format="json")
    north = north_admin
    api_client.force_authenticate(north)
    stats = unwrapped(api_client.get("/api/v1/dashboard/stats/").json())
    assert {"total_users", "active_users", "user_types"} <= set(stats)
    assert stats["active_subscribers"] == 1 and stats["suspended_subscribers"] == 0
    assert stats["invoices_due_this_week"] == 1
    assert stats["amount_due_this_week"] == str(Decimal("300.00"))
    assert stats["collected_this_month"] == "200.00"
    api_client.force_authenticate(super_admin)  # `biller` is this same client
    biller_stats = unwrapped(api_client.get("/api/v1/dashboard/stats/").json())
    assert biller_stats["suspended_subscribers"] == 1
