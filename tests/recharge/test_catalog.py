"""Plan and offer administration, the public lists, and who may do what."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from recharge.models import CatalogStatus, Offer, OfferType, Plan, PlanGroup
from tests.factories import UserFactory
from tests.idempotency.keys import new_key
from tests.recharge.conftest import fund, grant

pytestmark = pytest.mark.django_db

ADMIN_ROUTES = [
    ("post", "/api/v1/plans/plan-group"),
    ("get", "/api/v1/plans/plan-group"),
    ("get", "/api/v1/plans/plan-group/{group}"),
    ("put", "/api/v1/plans/plan-group/{group}"),
    ("delete", "/api/v1/plans/plan-group/{group}"),
    ("post", "/api/v1/plans/plan"),
    ("get", "/api/v1/plans/plan"),
    ("get", "/api/v1/plans/plan/{plan}"),
    ("put", "/api/v1/plans/plan/{plan}"),
    ("delete", "/api/v1/plans/plan/{plan}"),
    ("post", "/api/v1/offers/offer_type"),
    ("get", "/api/v1/offers/offer_type"),
    ("get", "/api/v1/offers/offer_type/{offer_type}"),
    ("put", "/api/v1/offers/offer_type/{offer_type}"),
    ("delete", "/api/v1/offers/offer_type/{offer_type}"),
    ("post", "/api/v1/offers/offers"),
    ("get", "/api/v1/offers/offers"),
    ("get", "/api/v1/offers/offers/{offer}"),
    ("put", "/api/v1/offers/offers/{offer}"),
    ("delete", "/api/v1/offers/offers/{offer}"),
    ("get", "/api/v1/recharge/admin/active-plans"),
    ("get", "/api/v1/recharge/admin/transactions"),
    ("get", "/api/v1/autopay/admin/all"),
    ("post", "/api/v1/autopay/admin/process-due"),
    ("get", "/api/v1/referrals/admin/all"),
]


@pytest.mark.parametrize(("method", "route"), ADMIN_ROUTES)
def test_a_normal_user_gets_403_on_every_admin_route(
    api_client, subscriber, group, plan, offer_type, make_offer, method, route
):
    offer = make_offer()
    path = route.format(group=group.pk, plan=plan.pk, offer_type=offer_type.pk, offer=offer.pk)
    api_client.force_authenticate(subscriber)
    response = getattr(api_client, method)(path, {})
    assert response.status_code == 403, (method, path, response.content)
    api_client.force_authenticate(None)
    assert getattr(api_client, method)(path, {}).status_code == 401


def test_model_permissions_open_exactly_their_method(api_client, group):
    viewer = grant(UserFactory(is_staff=True), "view_plangroup")
    api_client.force_authenticate(viewer)
    assert api_client.get("/api/v1/plans/plan-group").status_code == 200
    assert api_client.post("/api/v1/plans/plan-group", {"group_name": "X"}).status_code == 403
    editor = grant(UserFactory(is_staff=True), "view_plangroup", "add_plangroup")
    api_client.force_authenticate(editor)
    assert api_client.post("/api/v1/plans/plan-group", {"group_name": "X"}).status_code == 201
    assert api_client.delete(f"/api/v1/plans/plan-group/{group.pk}").status_code == 403


def test_plan_group_crud(api_client, staff):
    api_client.force_authenticate(staff)
    created = api_client.post("/api/v1/plans/plan-group", {"group_name": "Data Packs"})
    assert created.status_code == 201
    group_id = created.json()["group_id"]
    assert created.json()["group_name"] == "Data Packs"
    duplicate = api_client.post("/api/v1/plans/plan-group/", {"group_name": "data packs"})
    assert duplicate.status_code == 400 and "group_name" in duplicate.json()["errors"]
    renamed = api_client.put(
        f"/api/v1/plans/plan-group/{group_id}", {"group_name": "Data Packs (4G/5G)"}
    )
    assert renamed.json() == {
        **renamed.json(),
        "group_id": group_id,
        "group_name": "Data Packs (4G/5G)",
    }
    listed = api_client.get("/api/v1/plans/plan-group", {"group_name": "4g"}).json()
    assert len(listed) == 1 and listed[0]["group_id"] == group_id
    assert api_client.get(f"/api/v1/plans/plan-group/{group_id}/").status_code == 200
    assert api_client.delete(f"/api/v1/plans/plan-group/{group_id}").status_code == 200
    assert not PlanGroup.objects.exists()
    assert api_client.get(f"/api/v1/plans/plan-group/{group_id}").status_code == 404
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"recharge.plan_group_created", "recharge.plan_group_updated"} <= actions
    assert "recharge.plan_group_deleted" in actions


def test_a_plan_group_with_plans_is_not_deleted(api_client, staff, plan):
    api_client.force_authenticate(staff)
    response = api_client.delete(f"/api/v1/plans/plan-group/{plan.group_id}")
    assert response.status_code == 409
    assert PlanGroup.objects.filter(pk=plan.group_id).exists()


def test_plan_crud_as_seed_004(api_client, staff, group):
    api_client.force_authenticate(staff)
    created = api_client.post(
        "/api/v1/plans/plan",
        {
            "plan_name": "1.5GB/day 84d",
            "validity": 84,
            "most_popular": True,
            "plan_type": "prepaid",
            "group_id": group.pk,
            "description": "Unlimited calls + 1.5GB/day",
            "criteria": {},
            "price": 699,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["plan_name"] == "1.5GB/day 84d"
    assert body["plan_type"] == "prepaid"
    assert body["status"] == "active"
    assert body["price"] == 699  # a JSON number, as seed 004 shows it
    assert "created_at" in body
    plan_id = body["plan_id"]
    updated = api_client.put(
        f"/api/v1/plans/plan/{plan_id}",
        {"plan_name": "1.5GB/day 84d (New)", "validity": 84, "status": "inactive"},
    )
    assert updated.status_code == 200
    assert updated.json()["plan_name"] == "1.5GB/day 84d (New)"
    assert updated.json()["price"] == 699  # left out, kept
    assert updated.json()["status"] == "inactive"
    bad = api_client.put(f"/api/v1/plans/plan/{plan_id}", {"price": "-1", "validity": 0})
    assert bad.status_code == 400 and {"price", "validity"} <= set(bad.json()["errors"])
    assert api_client.put(f"/api/v1/plans/plan/{plan_id}", {"criteria": [1]}).status_code == 400
    assert api_client.delete(f"/api/v1/plans/plan/{plan_id}").json()["message"] == "Plan deleted."
    assert not Plan.objects.filter(pk=plan_id).exists()
    assert AuditEvent.objects.filter(action="recharge.plan_updated").exists()


def test_a_plan_in_use_is_retired_not_erased(api_client, staff, subscriber, plan):
    fund(subscriber, "699.00")
    api_client.force_authenticate(subscriber)
    subscribed = api_client.post(
        "/api/v1/recharge/subscribe", {"plan_id": plan.pk}, headers=new_key()
    )
    assert subscribed.status_code == 201
    api_client.force_authenticate(staff)
    response = api_client.delete(f"/api/v1/plans/plan/{plan.pk}")
    assert response.json()["message"] == "Plan retired."
    plan.refresh_from_db()
    assert plan.status == CatalogStatus.RETIRED
    assert api_client.get("/api/v1/plans/public/all").json() == []


def test_plan_list_filters_sorts_and_pages(api_client, staff, group):
    for price, name in [("100.00", "Small"), ("300.00", "Large"), ("200.00", "Medium")]:
        Plan.objects.create(plan_name=name, validity=28, price=Decimal(price), group=group)
    Plan.objects.create(plan_name="Old", validity=28, price=1, status=CatalogStatus.INACTIVE)
    api_client.force_authenticate(staff)
    by_price = api_client.get("/api/v1/plans/plan", {"sort_by": "price", "sort_order": "desc"})
    assert [p["plan_name"] for p in by_price.json()][:3] == ["Large", "Medium", "Small"]
    assert len(api_client.get("/api/v1/plans/plan", {"status": "inactive"}).json()) == 1
    assert len(api_client.get("/api/v1/plans/plan", {"min_price": 150}).json()) == 2
    assert len(api_client.get("/api/v1/plans/plan", {"search": "med"}).json()) == 1
    paged = api_client.get("/api/v1/plans/plan", {"skip": 1, "limit": 2, "ordering": "-price"})
    assert [p["plan_name"] for p in paged.json()] == ["Medium", "Small"]
    by_id = api_client.get("/api/v1/plans/plan", {"sort_by": "plan_id", "sort_order": "desc"})
    assert by_id.json()[0]["plan_name"] == "Old"
    for bad in ({"limit": 101}, {"limit": 0}, {"skip": -1}, {"skip": "x"}, {"sort_by": "nope"}):
        refused = api_client.get("/api/v1/plans/plan", bad)
        assert refused.status_code == 400 and set(refused.json()["errors"]) == {next(iter(bad))}


def test_public_plans_show_only_active_ones_to_anyone(api_client, plan, group):
    Plan.objects.create(plan_name="Hidden", validity=1, price=1, status=CatalogStatus.INACTIVE)
    response = api_client.get("/api/v1/plans/public/all", HTTP_AUTHORIZATION="Bearer stale")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 1
    assert body[0] == {
        **body[0],
        "plan_id": plan.pk,
        "plan_name": "1.5GB/day 84d",
        "plan_type": "prepaid",
        "price": 699,
    }


def test_offer_type_crud(api_client, staff, make_offer):
    api_client.force_authenticate(staff)
    created = api_client.post("/api/v1/offers/offer_type", {"offer_type_name": "Summer Offer"})
    assert created.status_code == 201
    type_id = created.json()["offer_type_id"]
    renamed = api_client.put(
        f"/api/v1/offers/offer_type/{type_id}", {"offer_type_name": "New Year Offer"}
    )
    assert renamed.json() == {"offer_type_id": type_id, "offer_type_name": "New Year Offer"}
    clash = api_client.post("/api/v1/offers/offer_type", {"offer_type_name": "festive offer"})
    assert clash.status_code == 400  # names are unique whatever their case
    make_offer(offer_type=OfferType.objects.get(pk=type_id))
    assert api_client.delete(f"/api/v1/offers/offer_type/{type_id}").status_code == 409
    Offer.objects.all().delete()
    assert api_client.delete(f"/api/v1/offers/offer_type/{type_id}").status_code == 200


def test_offer_crud_with_declared_criteria(api_client, staff, offer_type, plan):
    api_client.force_authenticate(staff)
    created = api_client.post(
        "/api/v1/offers/offers",
        {
            "offer_name": "Diwali 10% OFF",
            "offer_validity": 30,
            "offer_type_id": offer_type.pk,
            "is_special": True,
            "criteria": {
                "discount_type": "percentage",
                "discount_value": "10",
                "max_discount": "50",
                "min_amount": "199",
                "eligible_plan_ids": [plan.pk],
                "first_recharge_only": True,
                "max_redemptions_per_user": 1,
                "max_redemptions_total": 1000,
            },
            "description": "Festival offer",
            "status": "active",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["offer_type"] == {
        "offer_type_id": offer_type.pk,
        "offer_type_name": "Festive Offer",
    }
    assert body["is_special"] is True and body["status"] == "active"
    criteria = body["criteria"]
    assert criteria["discount_type"] == "percentage"
    assert criteria["discount_value"] == "10.00"
    assert criteria["eligible_plan_ids"] == [plan.pk]
    offer = Offer.objects.get(pk=body["offer_id"])
    assert offer.valid_to - offer.valid_from == timedelta(days=30)

    updated = api_client.put(
        f"/api/v1/offers/offers/{offer.pk}",
        {"offer_name": "Diwali 12% OFF", "offer_validity": 45, "criteria": {"discount_value": 12}},
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["criteria"]["discount_value"] == "12.00"
    assert updated.json()["criteria"]["max_discount"] == "50.00"  # left out, kept
    offer.refresh_from_db()
    assert offer.valid_to - offer.valid_from == timedelta(days=45)
    listed = api_client.get("/api/v1/offers/offers", {"is_special": True}).json()
    assert len(listed) == 1
    assert api_client.get(f"/api/v1/offers/offers/{offer.pk}").json()["offer_name"] == (
        "Diwali 12% OFF"
    )
    assert api_client.delete(f"/api/v1/offers/offers/{offer.pk}").json()["message"] == (
        "Offer deleted."
    )


@pytest.mark.parametrize(
    "criteria",
    [
        {"discount_type": "percentage", "discount_value": "101"},
        {"discount_type": "bogus"},
        {"eligible_plan_ids": [999999]},
        {"max_redemptions_total": 0},
        {"valid_from": "2030-01-02T00:00:00Z", "valid_to": "2030-01-01T00:00:00Z"},
    ],
)
def test_offer_criteria_are_validated(api_client, staff, offer_type, criteria):
    api_client.force_authenticate(staff)
    response = api_client.post(
        "/api/v1/offers/offers",
        {
            "offer_name": "Bad",
            "offer_validity": 30,
            "offer_type_id": offer_type.pk,
            "criteria": criteria,
        },
    )
    assert response.status_code == 400
    assert not Offer.objects.exists()


@pytest.mark.parametrize("method", ["post", "put"])
def test_an_unknown_criterion_is_refused_by_name(api_client, staff, offer_type, make_offer, method):
    offer = make_offer(max_discount=Decimal("50.00"))
    api_client.force_authenticate(staff)
    body = {
        "offer_name": "Typo",
        "offer_validity": 30,
        "offer_type_id": offer_type.pk,
        "criteria": {"discount_value": "10", "max_discont": "5"},
    }
    path = "/api/v1/offers/offers" + (f"/{offer.pk}" if method == "put" else "")
    response = getattr(api_client, method)(path, body)
    assert response.status_code == 400, response.content
    assert "max_discont" in response.json()["message"]
    assert "max_discont" in str(response.json()["errors"])
    assert Offer.objects.count() == 1
    offer.refresh_from_db()
    assert offer.offer_name != "Typo" and offer.max_discount == Decimal("50.00")


def test_total_cap_cannot_drop_below_redemptions(api_client, staff, make_offer):
    offer = make_offer(max_redemptions_total=5)
    Offer.objects.filter(pk=offer.pk).update(redemptions_count=3)
    api_client.force_authenticate(staff)
    response = api_client.put(
        f"/api/v1/offers/offers/{offer.pk}", {"criteria": {"max_redemptions_total": 2}}
    )
    assert response.status_code == 400


def test_public_offers_show_only_running_active_offers(api_client, make_offer):
    now = timezone.now()
    shown = make_offer(offer_name="Now", description="Festival offer", is_special=True)
    make_offer(offer_name="Off", status=CatalogStatus.INACTIVE)
    used_up = make_offer(offer_name="Used up", max_redemptions_total=2)
    Offer.objects.filter(pk=used_up.pk).update(redemptions_count=2)
    make_offer(
        offer_name="Later", valid_from=now + timedelta(days=1), valid_to=now + timedelta(days=9)
    )
    make_offer(
        offer_name="Gone", valid_from=now - timedelta(days=9), valid_to=now - timedelta(days=1)
    )
    response = api_client.get("/api/v1/offers/offers/public")
    assert response.status_code == 200
    body = response.json()
    assert [o["offer_name"] for o in body] == ["Now"]
    item = body[0]
    assert item["offer_id"] == shown.pk
    assert item["offer_type"]["offer_type_name"] == "Festive Offer"
    assert item["is_special"] is True and item["description"] == "Festival offer"


def test_catalogue_lists_use_a_fixed_number_of_queries(
    api_client, staff, make_offer, plan, django_assert_max_num_queries
):
    for i in range(15):
        make_offer(offer_name=f"Offer {i}", eligible_plans=[plan])
    api_client.force_authenticate(staff)
    for path in ("/api/v1/offers/offers", "/api/v1/offers/offers/public", "/api/v1/plans/plan"):
        with django_assert_max_num_queries(6):
            assert api_client.get(path, {"limit": 100}).status_code == 200


def test_real_bearer_token_reaches_the_admin_api(api_client, group, password_sign_in):
    admin = grant(UserFactory(username="planner", is_staff=True), "view_plangroup")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {password_sign_in('planner')['access']}")
    response = api_client.get("/api/v1/plans/plan-group")
    assert response.status_code == 200
    assert response.json()[0]["group_name"] == "Data Packs"
    assert admin.pk
