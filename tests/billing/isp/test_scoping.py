"""A reseller admin sees and changes only its own tree: another tree's object is a 404."""

from decimal import Decimal

import pytest

from billing.models import IspPackage, ResellerCommission
from tests.billing.isp.conftest import enable_sharing, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds(biller, super_admin, tree, days_package, make_subscriber, fund):
    """A paid, activated subscriber in NorthNet's sub-reseller and one in SouthNet."""
    enable_sharing(tree["n1"], super_admin)
    fund(tree["n1"], "1000.00")
    fund(tree["south"], "1000.00")
    made = {}
    for name in ("n1", "south"):
        subscriber = make_subscriber(tree[name], pkg=days_package)
        assert post(biller, f"/api/v1/isp/subscribers/{subscriber.pk}/activate").status_code == 200
        payment = post(
            biller,
            f"/api/v1/isp/subscribers/{subscriber.pk}/pay",
            {"amount": "500.00", "method": "cash"},
        ).json()
        made[name] = {
            "subscriber": subscriber,
            "invoice": subscriber.invoices.get(),
            "payment": payment["id"],
            "account": tree[name].reseller_account,
            "package": IspPackage.objects.create(
                organization=tree[name],
                name=f"{name} own",
                code=f"{name.upper()}OWN",
                download_mbps=5,
                upload_mbps=5,
                price=Decimal("300.00"),
            ),
        }
    made["commission"] = ResellerCommission.objects.get()
    return made


def detail_routes(world) -> list[str]:
    return [
        f"/api/v1/isp/subscribers/{world['subscriber'].pk}/",
        f"/api/v1/isp/subscribers/{world['subscriber'].pk}/history",
        f"/api/v1/isp/invoices/{world['invoice'].pk}/",
        f"/api/v1/isp/payments/{world['payment']}/",
        f"/api/v1/isp/resellers/{world['account'].pk}/",
        f"/api/v1/isp/resellers/{world['account'].pk}/ledger",
        f"/api/v1/isp/resellers/{world['account'].pk}/statement?date_from=2025-01-01&date_to=2025-01-31",
        f"/api/v1/isp/packages/{world['package'].pk}/",
    ]


COMMANDS = ("activate", "renew", "suspend", "reactivate", "deactivate", "hold", "pay")


def test_every_detail_route_of_another_tree_is_404(api_client, north_admin, worlds):
    api_client.force_authenticate(north_admin)
    for url in detail_routes(worlds["n1"]):
        assert api_client.get(url).status_code == 200, url
    for url in detail_routes(worlds["south"]):
        assert api_client.get(url).status_code == 404, url
    subscriber = worlds["south"]["subscriber"]
    for command in COMMANDS:
        url = f"/api/v1/isp/subscribers/{subscriber.pk}/{command}"
        body = {"amount": "1.00", "method": "cash", "until": None}
        assert post(api_client, url, body).status_code == 404, command
    url = f"/api/v1/isp/subscribers/{subscriber.pk}/change-package"
    assert post(api_client, url, {"package": worlds["n1"]["package"].pk}).status_code == 404
    assert (
        api_client.patch(
            f"/api/v1/isp/subscribers/{subscriber.pk}/", {"name": "x"}, format="json"
        ).status_code
        == 404
    )
    assert (
        api_client.patch(
            f"/api/v1/isp/packages/{worlds['south']['package'].pk}/", {"name": "x"}, format="json"
        ).status_code
        == 404
    )
    assert api_client.get(f"/api/v1/isp/commissions/{worlds['commission'].pk}/").status_code == 200


def test_lists_hold_only_the_own_tree(api_client, north_admin, south_admin, worlds, days_package):
    api_client.force_authenticate(north_admin)
    for resource in ("subscribers", "invoices", "payments"):
        rows = api_client.get(f"/api/v1/isp/{resource}/").json()["results"]
        assert len(rows) == 1, resource
    accounts = api_client.get("/api/v1/isp/resellers/").json()["results"]
    assert {row["organization_code"] for row in accounts} == {"NORTH", "N-SUB-1"}
    packages = {row["code"] for row in api_client.get("/api/v1/isp/packages/").json()["results"]}
    # KTL's, which it may sell, and its own tree's; never SouthNet's.
    assert {days_package.code, "N1OWN"} <= packages and "SOUTHOWN" not in packages
    api_client.force_authenticate(south_admin)
    assert api_client.get("/api/v1/isp/commissions/").json()["count"] == 0


def test_a_package_above_is_visible_but_not_changeable(api_client, north_admin, days_package):
    api_client.force_authenticate(north_admin)
    url = f"/api/v1/isp/packages/{days_package.pk}/"
    assert api_client.get(url).status_code == 200
    assert api_client.patch(url, {"price": "1.00"}, format="json").status_code == 403


def test_nobody_creates_subscribers_or_packages_in_another_tree(
    api_client, north_admin, tree, days_package
):
    api_client.force_authenticate(north_admin)
    subscriber = {
        "organization": tree["south"].pk,
        "package": days_package.pk,
        "name": "Intruder",
        "phone": "01712345678",
        "pppoe_username": "intruder",
    }
    response = api_client.post("/api/v1/isp/subscribers/", subscriber, format="json")
    assert response.status_code == 400 and "organization" in response.json()["errors"]
    own = api_client.post(
        "/api/v1/isp/subscribers/", {**subscriber, "organization": tree["n1"].pk}, format="json"
    )
    assert own.status_code == 201, own.content
    assert own.json()["phone"] == "+8801712345678"
    package = {
        "organization": tree["south"].pk,
        "name": "x",
        "code": "X",
        "download_mbps": 1,
        "upload_mbps": 1,
        "price": "10.00",
    }
    assert api_client.post("/api/v1/isp/packages/", package, format="json").status_code == 400
