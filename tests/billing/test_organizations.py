import pytest

from accounts.models import StaffType
from audit.models import AuditEvent
from billing.models import Organization
from tests.billing.conftest import ORGANIZATION_PERMS, grant, join
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/organizations/"

SEED_PAYLOAD = {
    "company_name": "Kloud Technologies Ltd",
    "company_code": "KTL2",
    "business_license": "BL123456",
    "vat_registration": "VAT789012",
    "address": "123 Tech Street, Dhaka",
    "contact_email": "info@kloudtech.com",
    "contact_phone": "+8801712345678",
    "website": "https://kloudtech.com",
    "organization_type": "Banking",
    "revenue_sharing_enabled": True,
    "default_reseller_share": 50.00,
    "default_sub_reseller_share": 45.00,
    "default_ktl_share_with_sub": 50.00,
    "default_reseller_share_with_sub": 5.00,
    "billing_settings": {
        "max_manual_grace_days": 9,
        "disable_expiry": False,
        "default_grace_days": 1,
        "jump_billing": True,
        "default_grace_hours": 14,
        "max_inactive_days": 3,
        "delete_permanent_disable_secret_from_mikrotik": 1,
    },
    "sync_settings": {
        "sync_area_to_mikrotik": False,
        "sync_address_to_mikrotik": False,
        "sync_customer_mobile_to_mikrotik": False,
    },
}


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def detail(org) -> str:
    return f"{URL}{org.pk}/"


# --- Creating, with the seed's fields -----------------------------------------------


def test_create_with_the_seed_payload(api_client, org_admin):
    response = as_user(api_client, org_admin).post(URL, SEED_PAYLOAD)
    assert response.status_code == 201, response.content
    body = response.json()["data"]
    for field in ("company_name", "business_license", "organization_type", "website"):
        assert body[field] == SEED_PAYLOAD[field]
    assert body["company_code"] == "KTL2"
    assert body["tier"] == "company"
    assert body["parent"] is None
    assert body["default_reseller_share"] == "50.00"
    assert body["default_ktl_share"] == "50.00"
    assert body["default_reseller_share_with_sub"] == "5.00"
    assert body["billing_settings"] == SEED_PAYLOAD["billing_settings"]
    assert body["sync_settings"] == SEED_PAYLOAD["sync_settings"]
    assert (body["users_count"], body["children_count"]) == (0, 0)

    organization = Organization.objects.get(pk=body["id"])
    assert organization.path == f"/{organization.pk}/"
    assert organization.created_by == org_admin
    event = AuditEvent.objects.get(action="billing.organization_created")
    assert event.actor_id == org_admin.pk
    assert event.target_id == str(organization.pk)
    assert event.after["company_code"] == "KTL2"


def test_settings_left_out_get_their_declared_defaults(api_client, org_admin):
    payload = {"company_name": "Plain", "company_code": "PLAIN"}
    body = as_user(api_client, org_admin).post(URL, payload).json()["data"]
    assert body["billing_settings"]["default_grace_days"] == 0
    assert body["billing_settings"]["max_manual_grace_days"] == 7
    assert body["sync_settings"] == {
        "sync_area_to_mikrotik": False,
        "sync_address_to_mikrotik": False,
        "sync_customer_mobile_to_mikrotik": False,
    }


@pytest.mark.parametrize(
    ("settings_field", "value", "key"),
    [
        ("billing_settings", {"grace_forever": True}, "grace_forever"),
        ("billing_settings", {"default_grace_days": -1}, "default_grace_days"),
        ("billing_settings", {"default_grace_hours": 30}, "default_grace_hours"),
        ("billing_settings", {"jump_billing": "yes"}, "jump_billing"),
        (
            "billing_settings",
            {"default_grace_days": 10, "max_manual_grace_days": 9},
            "default_grace_days",
        ),
        ("sync_settings", {"sync_everything": True}, "sync_everything"),
        ("sync_settings", {"sync_area_to_mikrotik": 1}, "sync_area_to_mikrotik"),
    ],
)
def test_bad_settings_are_refused_naming_the_key(api_client, org_admin, settings_field, value, key):
    payload = {**SEED_PAYLOAD, settings_field: value}
    response = as_user(api_client, org_admin).post(URL, payload)
    assert response.status_code == 400
    body = response.json()
    assert key in body["error"][settings_field]
    assert body["message"] == "Bad Request"  # seed 003's error body
    assert not Organization.objects.exists()


def test_settings_that_are_not_an_object_are_refused(api_client, org_admin):
    response = as_user(api_client, org_admin).post(URL, {**SEED_PAYLOAD, "billing_settings": [1]})
    assert response.status_code == 400
    assert "billing_settings" in response.json()["error"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"default_reseller_share": 100.01}, "default_reseller_share"),
        ({"default_sub_reseller_share": -1}, "default_sub_reseller_share"),
        ({"default_sub_reseller_share": 50}, "default_sub_reseller_share"),  # 50+50+5 = 105
        ({"default_reseller_share_with_sub": 0}, "default_sub_reseller_share"),  # 95
    ],
)
def test_revenue_shares_are_percentages_whose_split_adds_up(api_client, org_admin, changes, field):
    response = as_user(api_client, org_admin).post(URL, {**SEED_PAYLOAD, **changes})
    assert response.status_code == 400
    assert field in response.json()["error"]


def test_the_split_is_not_checked_while_revenue_sharing_is_off(api_client, org_admin):
    payload = {**SEED_PAYLOAD, "revenue_sharing_enabled": False, "default_sub_reseller_share": 0}
    assert as_user(api_client, org_admin).post(URL, payload).status_code == 201


def test_company_code_is_unique_whatever_the_case(api_client, org_admin, tree):
    response = as_user(api_client, org_admin).post(URL, {**SEED_PAYLOAD, "company_code": "ktl"})
    assert response.status_code == 400
    assert response.json()["error"]["company_code"] == [
        "An organization with this code already exists."
    ]
    # Its own code, in another case, is fine on update.
    response = api_client.patch(detail(tree["ktl"]), {"company_code": "Ktl"})
    assert response.status_code == 200
    assert response.json()["data"]["company_code"] == "Ktl"


def test_a_local_phone_number_is_stored_in_e164(api_client, org_admin):
    payload = {**SEED_PAYLOAD, "contact_phone": "01712-345678"}
    body = as_user(api_client, org_admin).post(URL, payload).json()["data"]
    assert body["contact_phone"] == "+8801712345678"
    bad = api_client.post(URL, {**SEED_PAYLOAD, "company_code": "X2", "contact_phone": "12"})
    assert bad.status_code == 400
    assert "contact_phone" in bad.json()["error"]


# --- Hierarchy ----------------------------------------------------------------------


def test_children_get_their_tier_from_the_parent(api_client, org_admin, tree):
    client = as_user(api_client, org_admin)
    body = client.post(
        URL, {"company_name": "East", "company_code": "EAST", "parent": tree["ktl"].pk}
    ).json()["data"]
    assert (body["tier"], body["parent"], body["parent_name"], body["depth"]) == (
        "reseller",
        tree["ktl"].pk,
        "KTL Ltd",
        1,
    )
    east = Organization.objects.get(pk=body["id"])
    assert east.path == f"{tree['ktl'].path}{east.pk}/"


@pytest.mark.parametrize(
    ("parent", "tier", "field"),
    [
        (None, "reseller", "tier"),  # resellers sit below a company
        ("ktl", "company", "tier"),  # companies sit at the top
        ("north", "reseller", "tier"),  # below a reseller: sub-resellers only
        ("n1", None, "parent"),  # nothing below a sub-reseller
    ],
)
def test_tier_must_fit_the_parent(api_client, org_admin, tree, parent, tier, field):
    payload = {"company_name": "New", "company_code": "NEW"}
    if parent:
        payload["parent"] = tree[parent].pk
    if tier:
        payload["tier"] = tier
    response = as_user(api_client, org_admin).post(URL, payload)
    assert response.status_code == 400
    assert field in response.json()["error"]


def test_moving_a_reseller_moves_its_subtree(api_client, org_admin, tree):
    other = Organization.objects.create(
        company_name="Other", company_code="OTHER", tier="company", path="", depth=0
    )
    other.path = f"/{other.pk}/"
    other.save()
    response = as_user(api_client, org_admin).patch(detail(tree["north"]), {"parent": other.pk})
    assert response.status_code == 200, response.content
    tree["n1"].refresh_from_db()
    assert tree["n1"].path == f"/{other.pk}/{tree['north'].pk}/{tree['n1'].pk}/"
    assert tree["n1"].depth == 2
    event = AuditEvent.objects.get(action="billing.organization_updated")
    assert event.before == {"parent": tree["ktl"].pk}
    assert event.after == {"parent": other.pk}


def test_an_organization_cannot_move_below_itself(api_client, org_admin, tree):
    response = as_user(api_client, org_admin).patch(detail(tree["ktl"]), {"parent": tree["n1"].pk})
    assert response.status_code == 400
    assert "parent" in response.json()["error"]


# --- Updating --------------------------------------------------------------------------


def test_patch_merges_settings_and_checks_the_result(api_client, org_admin):
    client = as_user(api_client, org_admin)
    created = client.post(URL, SEED_PAYLOAD).json()["data"]
    url = f"{URL}{created['id']}/"
    response = client.patch(url, {"billing_settings": {"jump_billing": False}})
    assert response.status_code == 200
    assert response.json()["data"]["billing_settings"] == {
        **SEED_PAYLOAD["billing_settings"],
        "jump_billing": False,
    }
    # max 9 is stored; a default of 10 breaks the rule only once merged.
    refused = client.patch(url, {"billing_settings": {"default_grace_days": 10}})
    assert refused.status_code == 400
    assert "default_grace_days" in refused.json()["error"]["billing_settings"]
    event = AuditEvent.objects.get(action="billing.organization_updated")
    assert event.before["billing_settings"]["jump_billing"] is True
    assert event.after["billing_settings"]["jump_billing"] is False


def test_put_replaces_the_fields(api_client, org_admin, tree):
    payload = {**SEED_PAYLOAD, "company_code": "KTL", "company_name": "KTL Renamed"}
    response = as_user(api_client, org_admin).put(detail(tree["ktl"]), payload)
    assert response.status_code == 200, response.content
    assert response.json()["data"]["company_name"] == "KTL Renamed"
    incomplete = api_client.put(detail(tree["ktl"]), {"company_name": "Only a name"})
    assert incomplete.status_code == 400
    assert "company_code" in incomplete.json()["error"]


# --- Scope: who sees which organization --------------------------------------------------


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["data"]["results"]}


def test_admins_see_every_organization(api_client, org_admin, tree):
    assert ids(as_user(api_client, org_admin).get(URL)) == {o.pk for o in tree.values()}


def test_a_reseller_admin_sees_their_tree_only(api_client, reseller_admin, tree):
    client = as_user(api_client, reseller_admin)
    assert ids(client.get(URL)) == {tree["north"].pk, tree["n1"].pk, tree["n2"].pk}
    assert client.get(detail(tree["n2"])).status_code == 200
    assert client.get(detail(tree["south"])).status_code == 404
    assert client.get(detail(tree["ktl"])).status_code == 404
    assert client.patch(detail(tree["south"]), {"address": "x"}).status_code == 404
    assert client.delete(detail(tree["south"])).status_code == 404


def test_a_sub_reseller_admin_cannot_see_a_sibling(api_client, sub_reseller_admin, tree):
    client = as_user(api_client, sub_reseller_admin)
    assert ids(client.get(URL)) == {tree["n1"].pk}
    assert client.get(detail(tree["n2"])).status_code == 404
    assert client.get(detail(tree["north"])).status_code == 404
    assert client.get(URL, {"within": tree["north"].pk}).json()["data"]["count"] == 0


def test_staff_without_an_organization_see_none(api_client, tree):
    user = grant(UserFactory(user_type=StaffType.BILLING_MANAGER), *ORGANIZATION_PERMS)
    assert ids(as_user(api_client, user).get(URL)) == set()


def test_a_reseller_admin_creates_below_their_own_only(api_client, reseller_admin, tree):
    client = as_user(api_client, reseller_admin)
    ok = client.post(
        URL, {"company_name": "N3", "company_code": "N-SUB-3", "parent": tree["north"].pk}
    )
    assert ok.status_code == 201
    assert ok.json()["data"]["tier"] == "sub_reseller"
    outside = client.post(
        URL, {"company_name": "S1", "company_code": "S-SUB-1", "parent": tree["south"].pk}
    )
    assert outside.status_code == 400
    assert "parent" in outside.json()["error"]
    top = client.post(URL, {"company_name": "Rogue", "company_code": "ROGUE"})
    assert top.status_code == 400
    assert "parent" in top.json()["error"]


def test_a_reseller_admin_cannot_change_what_is_decided_above(api_client, reseller_admin, tree):
    client = as_user(api_client, reseller_admin)
    raise_share = client.patch(detail(tree["north"]), {"default_reseller_share": 90})
    assert raise_share.status_code == 400
    assert "default_reseller_share" in raise_share.json()["error"]
    escape = client.patch(detail(tree["north"]), {"parent": None})
    assert escape.status_code == 400
    # Their own contact details and settings are theirs to change.
    ok = client.patch(
        detail(tree["north"]),
        {"address": "Rajshahi", "billing_settings": {"default_grace_days": 2}},
    )
    assert ok.status_code == 200
    assert ok.json()["data"]["billing_settings"]["default_grace_days"] == 2
    # Below their own, they decide the shares.
    below = client.patch(detail(tree["n1"]), {"default_reseller_share": 60})
    assert below.status_code == 200


def test_the_within_filter_lists_a_subtree(api_client, org_admin, tree):
    response = as_user(api_client, org_admin).get(URL, {"within": tree["north"].pk})
    assert ids(response) == {tree["north"].pk, tree["n1"].pk, tree["n2"].pk}
    children = api_client.get(URL, {"parent": tree["ktl"].pk})
    assert ids(children) == {tree["north"].pk, tree["south"].pk}


def test_list_uses_a_fixed_number_of_queries(
    api_client, reseller_admin, tree, django_assert_max_num_queries
):
    for _ in range(3):
        join(UserFactory(), tree["n1"])
    client = as_user(api_client, reseller_admin)
    client.get(URL)  # warm up: the user's permissions are cached on the instance
    with django_assert_max_num_queries(4):
        small = client.get(URL, {"page_size": 1})
    with django_assert_max_num_queries(4):
        large = client.get(URL, {"page_size": 100})
    assert len(small.json()["data"]["results"]) == 1
    rows = {row["id"]: row for row in large.json()["data"]["results"]}
    assert len(rows) == 3
    assert rows[tree["n1"].pk]["users_count"] == 3
    assert rows[tree["north"].pk]["users_count"] == 1
    assert rows[tree["north"].pk]["children_count"] == 2


# --- Deleting ---------------------------------------------------------------------------


def test_delete_is_refused_while_users_belong(api_client, org_admin, tree):
    join(UserFactory(), tree["south"])
    response = as_user(api_client, org_admin).delete(detail(tree["south"]))
    assert response.status_code == 409
    assert response.json()["message"] == (
        "SOUTH Ltd still has 1 user(s); move or remove them before deleting it."
    )
    assert Organization.objects.get(pk=tree["south"].pk).archived_at is None


def test_delete_is_refused_while_organizations_sit_below(api_client, org_admin, tree):
    response = as_user(api_client, org_admin).delete(detail(tree["north"]))
    assert response.status_code == 409
    assert "2 organization(s) below it" in response.json()["message"]


def test_delete_archives_and_keeps_the_row(api_client, org_admin, tree):
    client = as_user(api_client, org_admin)
    assert client.delete(detail(tree["n2"])).status_code == 200
    archived = Organization.objects.get(pk=tree["n2"].pk)
    assert archived.archived_at is not None
    assert archived.archived_by == org_admin
    assert client.get(detail(tree["n2"])).status_code == 404
    assert tree["n2"].pk not in ids(client.get(URL))
    event = AuditEvent.objects.get(action="billing.organization_archived")
    assert event.target_id == str(tree["n2"].pk)
    # An archived organization no longer holds its parent back.
    assert client.delete(detail(tree["n1"])).status_code == 200
    assert client.delete(detail(tree["north"])).status_code == 200


def test_a_reseller_admin_cannot_delete_their_own_organization(api_client, reseller_admin, tree):
    client = as_user(api_client, reseller_admin)
    assert client.delete(detail(tree["n2"])).status_code == 200
    # They belong to it themselves, and a sub-reseller is still below it.
    assert client.delete(detail(tree["north"])).status_code == 409


# --- Access ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "list"),
        ("post", "list"),
        ("get", "detail"),
        ("put", "detail"),
        ("patch", "detail"),
        ("delete", "detail"),
    ],
)
def test_a_normal_user_gets_403(api_client, tree, method, path):
    user = UserFactory()
    join(user, tree["north"])
    url = URL if path == "list" else detail(tree["north"])
    response = getattr(as_user(api_client, user), method)(url, {})
    assert response.status_code == 403


def test_each_permission_opens_only_its_method(api_client, tree):
    viewer = grant(UserFactory(user_type=StaffType.ADMIN), "view_organization")
    client = as_user(api_client, viewer)
    assert client.get(URL).status_code == 200
    assert client.patch(detail(tree["south"]), {"address": "x"}).status_code == 403
    assert client.delete(detail(tree["south"])).status_code == 403


def test_anonymous_gets_401(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, SEED_PAYLOAD).status_code == 401


def test_with_a_real_bearer_token(api_client, reseller_admin, tree):
    login = api_client.post(
        "/api/v1/auth/login", {"username": "northadmin", "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200, login.content
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    assert ids(api_client.get("/api/v1/organizations")) == {
        tree["north"].pk,
        tree["n1"].pk,
        tree["n2"].pk,
    }
    assert api_client.get(f"/api/v1/organizations/{tree['south'].pk}").status_code == 404
