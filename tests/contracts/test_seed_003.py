"""Seed 003 (KTL ISP billing administration): every documented example, sent as the
seed shows it, answers in the shape the seed shows (keys, nesting, JSON types, status).

The documented bodies below are copied from the seed document. Where a request
must name a record of this database (an id, a date in the future), only that value
is replaced; keys and types stay as documented.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import OtpChallenge, Role, StaffType, User
from accounts.services import roles as role_services
from billing.models import District, OrganizationMembership
from tests.contracts.shape import assert_shape
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"

# --- the seed's examples ---------------------------------------------------------------------

LOGIN_REQUEST = {"login_id": "admin001", "password": "password123", "remember_me": False}

LOGIN_REPLY = {
    "success": True,
    "status": 200,
    "message": "Login successful",
    "data": {
        "user": {
            "id": "550e8400-e29b-41d4-a716-446655440000",
            "login_id": "admin001",
            "email": "admin@example.com",
            "name": "Admin User",
            "mobile": "+8801712345678",
            "user_type": "admin",
            "employee_id": "EMP001",
            "designation": None,
            "department": None,
            "district_info": None,
            "thana_info": None,
            "is_active": True,
            "is_staff": True,
            "is_superuser": False,
            "is_email_verified": False,
            "is_phone_verified": False,
            "is_first_login": True,
            "profile_photo": None,
            "language_preference": "en",
            "timezone": "Asia/Dhaka",
            "roles": [
                {
                    "id": "role-uuid",
                    "role_name": "Administrator",
                    "is_active": True,
                    "assigned_by_name": "Super Admin",
                    "assigned_at": "2024-01-01T10:00:00Z",
                }
            ],
            "permissions": ["users.add_user", "users.change_user", "users.view_user"],
            "last_login": "2024-01-01T10:00:00Z",
            "date_joined": "2024-01-01T00:00:00Z",
        },
        "tokens": {
            "access": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.example_access_token",
            "refresh": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.example_refresh_token",
            "token_type": "Bearer",
        },
        "remember_me": False,
        "expires_at": "2024-01-01T11:00:00Z",
    },
}

LOGIN_FAILED = {
    "success": False,
    "status": 400,
    "message": "Login failed",
    "error": {"non_field_errors": ["Invalid login credentials."]},
}

REFRESH_REQUEST = {"refresh_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.refresh_token"}

REFRESH_REPLY = {
    "success": True,
    "status": 200,
    "message": "Token refreshed successfully",
    "data": {
        "tokens": {
            "access": "new_access_token",
            "refresh": "new_refresh_token",
            "token_type": "Bearer",
        },
        "expires_at": "2024-01-01T12:00:00Z",
    },
}

LOGOUT_REQUEST = {"refresh_token": "refresh_token", "logout_all_devices": False}

LOGOUT_REPLY = {"success": True, "status": 200, "message": "Logout successful", "data": []}

VERIFY_REPLY = {
    "success": True,
    "status": 200,
    "message": "Token is valid",
    "data": {
        "user": {
            "id": "user_id",
            "login_id": "admin001",
            "email": "admin@example.com",
            "name": "Admin User",
            "user_type": "admin",
        },
        "expires_at": "2024-01-01T12:00:00Z",
    },
}

CREATE_USER_REQUEST = {
    "login_id": "john_doe123",
    "email": "john@example.com",
    "password": "SecurePass123!",
    "password_confirm": "SecurePass123!",
    "name": "John Doe",
    "mobile": "+8801712345678",
    "user_type": "admin",
    "employee_id": "EMP001",
    "designation": "System Administrator",
    "department": "IT",
    "roles": [1, 2],
}

CHANGE_PASSWORD_REQUEST = {
    "old_password": "current_password",
    "new_password": "new_password123",
    "new_password_confirm": "new_password123",
}

CREATE_ROLE_REQUEST = {
    "name": "billing_manager",
    "display_name": "Billing Manager",
    "description": "Manages billing operations",
    "role_level": 3,
    "can_assign_roles": False,
    "max_assignments": 10,
    "permission_ids": [1, 2, 3],
}

ASSIGN_ROLE_REQUEST = {
    "user_id": "user_id",
    "role_id": "role_id",
    "action": "assign",
    "reason": "Promotion",
    "expires_at": "2024-12-31T23:59:59Z",
}

CREATE_GROUP_REQUEST = {"name": "Billing Team", "permission_ids": [1, 2, 3]}

CREATE_ORGANIZATION_REQUEST = {
    "company_name": "Kloud Technologies Ltd",
    "company_code": "KTL",
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

DASHBOARD_REPLY = {
    "total_users": 150,
    "active_users": 142,
    "total_roles": 8,
    "active_roles": 7,
    "total_permissions": 45,
    "custom_permissions": 12,
    "user_types": {
        "super_admin": 2,
        "admin": 5,
        "billing_manager": 8,
        "noc_manager": 3,
        "support_staff": 25,
        "reseller_admin": 15,
        "sub_reseller_admin": 30,
        "field_staff": 62,
    },
}

UNAUTHORIZED = {
    "success": False,
    "status": 401,
    "message": "Authentication credentials were not provided.",
    "error": [],
}
FORBIDDEN = {
    "success": False,
    "status": 403,
    "message": "You do not have permission to perform this action.",
    "error": [],
}
BAD_REQUEST = {
    "success": False,
    "status": 400,
    "message": "Bad Request",
    "error": {"field_name": ["Error message"]},
}

# `field_name` stands for whichever field was refused.
BAD_REQUEST_SHAPE = {**BAD_REQUEST, "error": {}}
# "Pagination: Standard Django REST framework pagination", inside the envelope.
PAGE = {"count": 1, "next": None, "previous": None, "results": []}
# The seed documents no body for these; every seed 003 reply has its envelope.
ENVELOPE = {"success": True, "status": 200, "message": "", "data": None}


def enveloped(data, status: int = 200) -> dict:
    return {**ENVELOPE, "status": status, "data": data}


# Fields a fresh record of this database leaves empty where the seed shows a value.
USER_NULLABLE = {
    f"$.data.user.{name}" for name in ("employee_id", "mobile", "last_login", "email", "login_id")
}


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def super_admin() -> User:
    return UserFactory(
        username="superadmin",
        first_name="Super",
        last_name="Admin",
        email="super@example.com",
        user_type=StaffType.SUPER_ADMIN,
        is_superuser=True,
        is_staff=True,
    )


@pytest.fixture
def admin001(super_admin) -> User:
    """The seed's sample user: an admin with a role given by the super admin."""
    user = UserFactory(
        username="admin001",
        email="admin@example.com",
        first_name="Admin",
        last_name="User",
        mobile="+8801712345678",
        user_type=StaffType.ADMIN,
        employee_id="EMP001",
        is_staff=True,
        is_first_login=True,
    )
    role = Role.objects.create(name="administrator", display_name="Administrator", role_level=5)
    role.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accounts", codename__in=["add_user", "view_user"]
        )
    )
    role_services.role_assign(actor=super_admin, user=user, role=role, reason="seed sample")
    return user


def ktl_login(client, inbox, login_id: str, password: str = DEFAULT_PASSWORD, **extra):
    """Sign in as a seed 003 client, giving the second factor staff are asked for."""
    response = client.post(
        f"{API}/auth/login/", {"login_id": login_id, "password": password, **extra}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    if "request_id" not in body["data"]:
        return body
    challenge = OtpChallenge.objects.get(pk=body["data"]["request_id"])
    response = client.post(
        f"{API}/auth/verify_login_otp",
        {"request_id": body["data"]["request_id"], "otp": inbox.code_for(challenge.email)},
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def ktl_client(api_client, inbox, super_admin):
    """A seed 003 client signed in as the super admin."""
    body = ktl_login(api_client, inbox, "superadmin")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['data']['tokens']['access']}")
    return api_client


# --- Authentication APIs --------------------------------------------------------------------------


def test_login_reply_is_the_documented_one(api_client, admin001, settings):
    settings.AUTH_STAFF_SECOND_FACTOR = False
    response = api_client.post(
        f"{API}/auth/login/",
        {**LOGIN_REQUEST, "login_id": "admin001", "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 200
    body = response.json()
    assert_shape(body, LOGIN_REPLY, nullable=USER_NULLABLE)
    user = body["data"]["user"]
    assert user["id"] == str(admin001.pk) and user["login_id"] == "admin001"
    assert user["is_first_login"] is True
    assert user["roles"][0]["assigned_by_name"] == "Super Admin"
    assert "accounts.add_user" in user["permissions"]
    assert body["data"]["tokens"]["token_type"] == "Bearer"


def test_login_with_the_second_factor_ends_in_the_documented_reply(api_client, inbox, admin001):
    first = api_client.post(
        f"{API}/auth/login/", {**LOGIN_REQUEST, "password": DEFAULT_PASSWORD}
    ).json()
    assert first["success"] is True and first["data"]["otp_sent"] is True
    assert_shape(ktl_login(api_client, inbox, "admin001"), LOGIN_REPLY, nullable=USER_NULLABLE)


def test_failed_login_is_the_documented_400(api_client, admin001):
    response = api_client.post(f"{API}/auth/login/", LOGIN_REQUEST)
    assert response.status_code == 400
    body = response.json()
    assert_shape(body, LOGIN_FAILED)
    assert body["message"] == LOGIN_FAILED["message"] and body["error"] == LOGIN_FAILED["error"]
    assert "WWW-Authenticate" not in response


def test_login_without_a_password_is_a_400_naming_the_field(api_client):
    response = api_client.post(f"{API}/auth/login/", {"login_id": "admin001"})
    assert response.status_code == 400
    body = response.json()
    assert_shape(body, BAD_REQUEST_SHAPE)
    assert body["message"] == "Login failed" and "password" in body["error"]


def test_other_seeds_keep_their_own_login_shape(api_client, admin001, settings):
    settings.AUTH_STAFF_SECOND_FACTOR = False
    response = api_client.post(
        f"{API}/auth/login", {"username": "admin001", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200 and "access" in response.json()
    refused = api_client.post(f"{API}/auth/login", {"username": "admin001", "password": "nope"})
    assert refused.status_code == 401 and refused.json()["code"] == "invalid_credentials"


def test_refresh_reply_is_the_documented_one(api_client, inbox, admin001):
    tokens = ktl_login(api_client, inbox, "admin001")["data"]["tokens"]
    response = api_client.post(
        f"{API}/auth/refresh/", {**REFRESH_REQUEST, "refresh_token": tokens["refresh"]}
    )
    assert response.status_code == 200
    assert_shape(response.json(), REFRESH_REPLY)
    again = api_client.post(
        f"{API}/auth/refresh/",
        {"refresh_token": response.json()["data"]["tokens"]["refresh"]},
    )
    assert again.status_code == 200 and again.json()["success"] is True


def test_a_refused_refresh_has_the_documented_error_body(api_client, inbox, admin001):
    tokens = ktl_login(api_client, inbox, "admin001")["data"]["tokens"]
    used = api_client.post(f"{API}/auth/refresh/", {"refresh_token": tokens["refresh"]})
    assert used.status_code == 200
    reused = api_client.post(f"{API}/auth/refresh/", {"refresh_token": tokens["refresh"]})
    assert reused.status_code == 401
    assert_shape(reused.json(), UNAUTHORIZED)


def test_logout_reply_is_the_documented_one(api_client, inbox, admin001):
    tokens = ktl_login(api_client, inbox, "admin001")["data"]["tokens"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    response = api_client.post(
        f"{API}/auth/logout/", {**LOGOUT_REQUEST, "refresh_token": tokens["refresh"]}
    )
    assert response.status_code == 200
    assert response.json() == LOGOUT_REPLY
    after = api_client.post(f"{API}/auth/verify/")
    assert after.status_code == 401
    assert_shape(after.json(), UNAUTHORIZED)


def test_verify_reply_is_the_documented_one(api_client, inbox, admin001):
    tokens = ktl_login(api_client, inbox, "admin001")["data"]["tokens"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    response = api_client.post(f"{API}/auth/verify/")
    assert response.status_code == 200
    assert_shape(response.json(), VERIFY_REPLY)


# --- User Management APIs ---------------------------------------------------------------------


def _two_roles() -> list[int]:
    return [
        Role.objects.create(name=f"seed_role_{n}", display_name=f"Seed role {n}").pk for n in (1, 2)
    ]


def test_create_user_as_documented(ktl_client):
    body = {**CREATE_USER_REQUEST, "roles": _two_roles()}
    response = ktl_client.post(f"{API}/users/", body)
    assert response.status_code == 201, response.content
    reply = response.json()
    assert_shape(reply, enveloped({"id": 1, "login_id": "", "email": ""}, status=201))
    created = User.objects.get(username="john_doe123")
    assert created.is_first_login is True and created.role_assignments.count() == 2


def test_create_user_refusal_has_the_documented_error_body(ktl_client):
    response = ktl_client.post(f"{API}/users/", {**CREATE_USER_REQUEST, "email": "not-an-email"})
    assert response.status_code == 400
    assert_shape(response.json(), BAD_REQUEST_SHAPE)
    assert "email" in response.json()["error"]


@pytest.mark.parametrize(
    "query", ["", "?user_type=admin", "?role=billing_manager", "?search=admin", "?ordering=-id"]
)
def test_list_users_with_the_documented_parameters(ktl_client, admin001, query):
    response = ktl_client.get(f"{API}/users/{query}")
    assert response.status_code == 200
    assert_shape(response.json(), enveloped(PAGE))


def test_user_detail_update_and_delete(ktl_client, admin001):
    detail = ktl_client.get(f"{API}/users/{admin001.pk}/")
    assert detail.status_code == 200
    assert_shape(detail.json(), enveloped({"id": 1}))
    changed = ktl_client.patch(f"{API}/users/{admin001.pk}/", {"designation": "NOC Lead"})
    assert changed.status_code == 200 and changed.json()["data"]["designation"] == "NOC Lead"
    deleted = ktl_client.delete(f"{API}/users/{admin001.pk}/")
    assert deleted.status_code == 200
    assert_shape(deleted.json(), enveloped([]))


def test_profile_permissions_and_change_password(ktl_client):
    assert_shape(ktl_client.get(f"{API}/users/profile/").json(), enveloped({"id": 1}))
    permissions = ktl_client.get(f"{API}/users/permissions/").json()
    assert_shape(permissions, enveloped({"permissions": [""], "roles": [], "groups": []}))
    wrong = ktl_client.post(f"{API}/users/change-password/", CHANGE_PASSWORD_REQUEST)
    assert wrong.status_code == 400
    assert_shape(wrong.json(), BAD_REQUEST_SHAPE)
    right = ktl_client.post(
        f"{API}/users/change-password/",
        {**CHANGE_PASSWORD_REQUEST, "old_password": DEFAULT_PASSWORD},
    )
    assert right.status_code == 200
    assert_shape(right.json(), enveloped({"message": ""}))


# --- Role, Permission and Group Management APIs ----------------------------------------------------


def _permission_ids() -> list[int]:
    return list(Permission.objects.order_by("pk").values_list("pk", flat=True)[:3])


def test_the_seeds_own_role_body_names_a_role_the_install_holds(ktl_client):
    # Listed in the README's differences: the install made `billing_manager` already.
    assert Role.objects.filter(name=CREATE_ROLE_REQUEST["name"]).exists()
    refused = ktl_client.post(
        f"{API}/roles/", {**CREATE_ROLE_REQUEST, "permission_ids": _permission_ids()}
    )
    assert refused.status_code == 400, refused.content
    assert "name" in refused.json()["error"]


def test_roles_as_documented(ktl_client, admin001):
    created = ktl_client.post(
        f"{API}/roles/",
        {**CREATE_ROLE_REQUEST, "name": "seed_billing", "permission_ids": _permission_ids()},
    )
    assert created.status_code == 201, created.content
    role = created.json()["data"]
    assert_shape(created.json(), enveloped({"id": 1, "name": ""}, status=201))
    assert_shape(ktl_client.get(f"{API}/roles/").json(), enveloped(PAGE))

    later = (timezone.now() + timedelta(days=30)).isoformat()
    assign = {**ASSIGN_ROLE_REQUEST, "user_id": str(admin001.pk), "role_id": str(role["id"])}
    assigned = ktl_client.post(f"{API}/roles/assign/", {**assign, "expires_at": later})
    assert assigned.status_code == 201, assigned.content
    assert_shape(assigned.json(), enveloped({"expires_at": ""}, status=201))

    bulk = ktl_client.post(
        f"{API}/roles/bulk-assign/",
        {"user_ids": [admin001.pk], "role_id": role["id"], "action": "revoke"},
    )
    assert bulk.status_code == 200
    assert_shape(bulk.json(), enveloped({"count": 1, "assignments": []}))
    assert_shape(ktl_client.get(f"{API}/user-roles/").json(), enveloped(PAGE))


def test_permissions_and_categories(ktl_client):
    assert_shape(ktl_client.get(f"{API}/permissions/").json(), enveloped(PAGE))
    category = ktl_client.post(f"{API}/permission-categories/", {"name": "isp_billing"})
    assert category.status_code == 201
    assert_shape(category.json(), enveloped({"id": 1}, status=201))
    assert_shape(ktl_client.get(f"{API}/permission-categories/").json(), enveloped(PAGE))
    custom = ktl_client.post(
        f"{API}/custom-permissions/",
        {"codename": "approve_invoice", "name": "Can approve invoices"},
    )
    assert custom.status_code == 201, custom.content
    assert_shape(custom.json(), enveloped({"codename": ""}, status=201))
    assert_shape(ktl_client.get(f"{API}/custom-permissions/").json(), enveloped(PAGE))


def test_groups_as_documented(ktl_client):
    created = ktl_client.post(
        f"{API}/groups/", {**CREATE_GROUP_REQUEST, "permission_ids": _permission_ids()}
    )
    assert created.status_code == 201, created.content
    assert_shape(created.json(), enveloped({"id": 1, "name": "", "permissions": []}, status=201))
    group = created.json()["data"]["id"]
    assert_shape(ktl_client.get(f"{API}/groups/").json(), enveloped(PAGE))
    assert_shape(ktl_client.get(f"{API}/groups/{group}/").json(), enveloped({"id": 1}))
    replaced = ktl_client.put(
        f"{API}/groups/{group}/", {"name": "Billing Team", "permission_ids": []}
    )
    assert replaced.status_code == 200
    changed = ktl_client.patch(f"{API}/groups/{group}/", {"name": "Billing Desk"})
    assert changed.status_code == 200 and changed.json()["data"]["name"] == "Billing Desk"
    deleted = ktl_client.delete(f"{API}/groups/{group}/")
    assert deleted.status_code == 200
    assert_shape(deleted.json(), enveloped([]))


# --- Organization Management APIs ---------------------------------------------------------------


def test_organizations_as_documented(ktl_client):
    created = ktl_client.post(f"{API}/organizations/", CREATE_ORGANIZATION_REQUEST)
    assert created.status_code == 201, created.content
    data = created.json()["data"]
    assert_shape(
        created.json(),
        enveloped(
            {
                key: value
                for key, value in CREATE_ORGANIZATION_REQUEST.items()
                if not key.startswith("default_")  # money-like shares leave as decimal strings
            },
            status=201,
        ),
    )
    assert data["default_reseller_share"] == "50.00"
    assert_shape(ktl_client.get(f"{API}/organizations/").json(), enveloped(PAGE))
    one = f"{API}/organizations/{data['id']}/"
    assert_shape(ktl_client.get(one).json(), enveloped({"id": 1, "company_code": ""}))
    replaced = ktl_client.put(one, {**CREATE_ORGANIZATION_REQUEST, "address": "Gulshan, Dhaka"})
    assert replaced.status_code == 200, replaced.content
    changed = ktl_client.patch(one, {"website": "https://ktl.example.com"})
    assert changed.status_code == 200
    deleted = ktl_client.delete(one)
    assert deleted.status_code == 200
    assert_shape(deleted.json(), enveloped([]))


# --- Location and Dashboard APIs ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/locations/districts/?search=Dhaka&ordering=name",
        "/locations/thanas/?district={district}&search=a&ordering=name",
        "/locations/districts/{district}/thanas/",
    ],
)
def test_location_lists(ktl_client, path):
    district = District.objects.get(name="Dhaka").pk
    response = ktl_client.get(API + path.format(district=district))
    assert response.status_code == 200
    assert_shape(response.json(), enveloped(PAGE))
    assert response.json()["data"]["count"] >= 1


def test_locations_summary(ktl_client):
    response = ktl_client.get(f"{API}/locations/summary/")
    assert response.status_code == 200
    assert_shape(response.json(), enveloped({"total_districts": 64, "divisions": []}))


def test_dashboard_reply_is_the_documented_one(ktl_client):
    response = ktl_client.get(f"{API}/dashboard/stats/")
    assert response.status_code == 200
    assert_shape(response.json(), enveloped(DASHBOARD_REPLY))


# --- Common error responses --------------------------------------------------------------------


def test_common_errors_are_the_documented_ones(api_client, inbox, super_admin):
    unsigned = api_client.get(f"{API}/roles/")
    assert unsigned.status_code == 401
    assert_shape(unsigned.json(), UNAUTHORIZED)
    assert unsigned.json()["message"] == UNAUTHORIZED["message"]
    assert unsigned.json()["error"] == []

    UserFactory(username="fieldstaff", email="field@example.com", user_type="field_staff")
    tokens = ktl_login(api_client, inbox, "fieldstaff")["data"]["tokens"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    refused = api_client.get(f"{API}/roles/")
    assert refused.status_code == 403
    assert_shape(refused.json(), FORBIDDEN)
    assert refused.json()["message"] == FORBIDDEN["message"]
    assert refused.json()["error"] == []


# --- the whole client path ---------------------------------------------------------------------


def test_a_seed_003_client_sets_up_a_reseller(api_client, inbox, super_admin):
    """Login, refresh, users, roles with a time-bound assignment, an organization with
    its reseller admin placed through the API, locations and the dashboard, reading
    only what seed 003 documents (and the ids the replies give)."""
    client = api_client
    login = ktl_login(client, inbox, "superadmin")
    assert login["success"] is True
    refreshed = client.post(
        f"{API}/auth/refresh/", {"refresh_token": login["data"]["tokens"]["refresh"]}
    ).json()
    tokens = refreshed["data"]["tokens"]
    client.credentials(HTTP_AUTHORIZATION=f"{tokens['token_type']} {tokens['access']}")

    organization = client.post(f"{API}/organizations/", CREATE_ORGANIZATION_REQUEST).json()
    assert organization["success"] is True
    reseller = client.post(
        f"{API}/organizations/",
        {"company_name": "NorthNet", "company_code": "NORTH", "parent": organization["data"]["id"]},
    ).json()["data"]

    role = client.post(
        f"{API}/roles/",
        {
            **CREATE_ROLE_REQUEST,
            "name": "reseller_manager",
            "display_name": "Reseller Manager",
            "permission_ids": list(
                Permission.objects.filter(
                    content_type__app_label="billing", codename="view_organization"
                ).values_list("pk", flat=True)
            ),
        },
    ).json()["data"]
    user = client.post(
        f"{API}/users/",
        {
            **CREATE_USER_REQUEST,
            "login_id": "north_admin",
            "email": "north@example.com",
            "mobile": "+8801812345678",
            "user_type": "reseller_admin",
            "roles": [],
        },
    ).json()["data"]
    listed = client.get(f"{API}/users/?user_type=reseller_admin").json()["data"]
    assert [row["id"] for row in listed["results"]] == [user["id"]]

    until = (timezone.now() + timedelta(days=90)).replace(microsecond=0)
    assigned = client.post(
        f"{API}/roles/assign/",
        {
            **ASSIGN_ROLE_REQUEST,
            "user_id": str(user["id"]),
            "role_id": str(role["id"]),
            "expires_at": until.isoformat(),
        },
    )
    assert assigned.status_code == 201 and assigned.json()["success"] is True

    placed = client.post(f"{API}/organizations/{reseller['id']}/members/", {"user_id": user["id"]})
    assert placed.status_code == 200 and placed.json()["success"] is True
    members = client.get(f"{API}/organizations/{reseller['id']}/members/").json()["data"]
    assert [row["user_id"] for row in members["results"]] == [user["id"]]

    districts = client.get(f"{API}/locations/districts/?search=Dhaka").json()["data"]
    district = districts["results"][0]["id"]
    thanas = client.get(f"{API}/locations/districts/{district}/thanas/").json()["data"]
    assert thanas["count"] >= 1
    assert client.get(f"{API}/locations/summary/").json()["success"] is True

    stats = client.get(f"{API}/dashboard/stats/").json()["data"]
    assert stats["user_types"]["reseller_admin"] == 1

    # The reseller admin signs in as a seed 003 client and sees its role, until its end.
    client.credentials()
    own = ktl_login(client, inbox, "north_admin", password=CREATE_USER_REQUEST["password"])
    me = own["data"]["user"]
    assert me["is_first_login"] is True
    assert [r["role_name"] for r in me["roles"]] == ["Reseller Manager"]
    assert "billing.view_organization" in me["permissions"]
    assert OrganizationMembership.objects.get(user_id=user["id"]).organization_id == reseller["id"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {own['data']['tokens']['access']}")
    visible = client.get(f"{API}/organizations/").json()["data"]
    assert [row["id"] for row in visible["results"]] == [reseller["id"]]
    logout = client.post(f"{API}/auth/logout/", {"refresh_token": own["data"]["tokens"]["refresh"]})
    assert logout.json() == LOGOUT_REPLY
