"""Seed 004: staff managing subscribers (/user/admin, archived, block, unblock, delete)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccountStatus, AuthSession, StaffType, SubscriberType, User
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/user/admin"
ARCHIVED = "/api/v1/user/admin/archived"


def staff_with(*codenames: str, **fields) -> User:
    user = UserFactory(is_staff=True, user_type=StaffType.ADMIN, **fields)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
    )
    return User.objects.get(pk=user.pk)  # permissions are cached on the instance


def subscriber(**fields) -> User:
    fields.setdefault("subscriber_type", SubscriberType.PREPAID)
    return UserFactory(**fields)


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-sequence").first()
    assert event is not None, f"no audit event {action}"
    return event


@pytest.fixture
def as_staff(api_client):
    def _as(*codenames: str):
        staff = staff_with(*codenames)
        api_client.force_authenticate(staff)
        return api_client, staff

    return _as


@pytest.fixture
def people():
    return {
        "akhil": subscriber(
            first_name="Akhil", last_name="Kumar", email="akhil@example.com", mobile="+919876543210"
        ),
        "ben": subscriber(
            first_name="Ben",
            last_name="Thomas",
            email="ben@example.com",
            mobile="+919000000001",
            subscriber_type=SubscriberType.POSTPAID,
        ),
        "chitra": subscriber(
            first_name="Chitra",
            last_name="Nair",
            email="chitra@example.com",
            mobile="+919111111111",
            status=AccountStatus.BLOCKED,
        ),
        "gone": subscriber(first_name="Gone", status=AccountStatus.ARCHIVED),
        "staff": UserFactory(first_name="Staff", is_staff=True, user_type=StaffType.ADMIN),
        "plain": UserFactory(first_name="Plain"),  # no subscriber account
    }


def ids(response) -> set[int]:
    return {row["user_id"] for row in response.json()}


# --- lists ------------------------------------------------------------------------------------


def test_list_shows_live_subscribers_in_the_seed_shape(as_staff, people):
    client, _ = as_staff("view_user")
    response = client.get(LIST)
    assert response.status_code == 200, response.content
    body = response.json()
    assert isinstance(body, list)  # a bare array, as seed 004 shows it
    assert ids(response) == {people["akhil"].pk, people["ben"].pk, people["chitra"].pk}
    row = next(r for r in body if r["user_id"] == people["akhil"].pk)
    assert row == {
        "user_id": people["akhil"].pk,
        "name": "Akhil Kumar",
        "email": "akhil@example.com",
        "phone_number": "9876543210",
        "referral_code": None,
        "referee_code": None,
        "user_type": "prepaid",
        "status": "active",
        "wallet_balance": 0,
        "created_at": row["created_at"],
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "blocked"}, {"chitra"}),
        ({"status": "active"}, {"akhil", "ben"}),
        ({"user_type": "postpaid"}, {"ben"}),
        ({"user_type": "prepaid", "status": "active"}, {"akhil"}),
        ({"search": "kumar"}, {"akhil"}),
        ({"search": "ben@example"}, {"ben"}),
        ({"search": "9111111"}, {"chitra"}),
        ({"name": "chitra nair"}, {"chitra"}),
        ({"email": "AKHIL@"}, {"akhil"}),
        ({"phone_number": "+91 90000 00001"}, {"ben"}),
    ],
)
def test_list_filters_and_search(as_staff, people, query, expected):
    client, _ = as_staff("view_user")
    response = client.get(LIST, query)
    assert response.status_code == 200, response.content
    assert ids(response) == {people[name].pk for name in expected}


def test_unknown_filter_value_is_refused(as_staff, people):
    client, _ = as_staff("view_user")
    assert client.get(LIST, {"user_type": "admin"}).status_code == 400


def test_skip_limit_and_sort_by_of_seed_004(as_staff, people):
    client, _ = as_staff("view_user")
    response = client.get(LIST, {"sort_by": "name", "sort_order": "desc", "skip": 1, "limit": 1})
    assert response.status_code == 200, response.content
    assert [r["name"] for r in response.json()] == ["Ben Thomas"]  # Chitra, [Ben], Akhil
    ascending = client.get(LIST, {"sort_by": "user_id"}).json()
    assert [r["user_id"] for r in ascending] == sorted(r["user_id"] for r in ascending)


def test_offset_and_ordering_work_too(as_staff, people):
    client, _ = as_staff("view_user")
    body = client.get(LIST, {"offset": 2, "limit": 2, "ordering": "first_name"}).json()
    assert [r["name"] for r in body] == ["Chitra Nair"]


@pytest.mark.parametrize(
    "query", [{"limit": 101}, {"limit": 0}, {"skip": -1}, {"skip": "1.5"}, {"limit": "ten"}]
)
def test_bad_paging_is_refused_by_name(as_staff, people, query):
    client, _ = as_staff("view_user")
    response = client.get(LIST, query)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(query)


@pytest.mark.parametrize(
    ("query", "field"),
    [({"sort_by": "password"}, "sort_by"), ({"sort_by": "name", "sort_order": "up"}, "sort_order")],
)
def test_bad_sorting_is_refused_by_name(as_staff, people, query, field):
    client, _ = as_staff("view_user")
    response = client.get(LIST, query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_lapsed_block_reads_as_active(as_staff, people):
    chitra = people["chitra"]
    User.objects.filter(pk=chitra.pk).update(blocked_until=timezone.now() - timedelta(minutes=1))
    client, _ = as_staff("view_user")
    assert chitra.pk in ids(client.get(LIST, {"status": "active"}))
    assert chitra.pk not in ids(client.get(LIST, {"status": "blocked"}))
    row = next(r for r in client.get(LIST).json() if r["user_id"] == chitra.pk)
    assert row["status"] == "active"


def test_archived_list(as_staff, people):
    User.objects.filter(pk=people["gone"].pk).update(status_changed_at=timezone.now())
    client, _ = as_staff("view_user")
    response = client.get(ARCHIVED)
    assert response.status_code == 200
    rows = response.json()
    assert [r["user_id"] for r in rows] == [people["gone"].pk]
    assert rows[0]["status"] == "archived"
    assert rows[0]["deleted_at"] is not None


def _count_queries(client, path, page_size) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, {"limit": page_size})
    assert response.status_code == 200
    assert len(response.json()) == page_size
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("path", "status"), [(LIST, "active"), (ARCHIVED, "archived")])
def test_lists_cost_a_fixed_number_of_queries(
    api_client, django_assert_max_num_queries, path, status
):
    referrer = subscriber(referral_code="REF001")
    for n in range(30):
        subscriber(status=status, referred_by=referrer, mobile=f"+9198100{n:05d}")
    staff = staff_with("view_user")

    def fresh():  # a new instance each time, so no permission cache carries over
        api_client.force_authenticate(User.objects.get(pk=staff.pk))
        return api_client

    small = _count_queries(fresh(), path, 2)
    large = _count_queries(fresh(), path, 25)
    assert small == large, (small, large)
    fresh()
    with django_assert_max_num_queries(8):
        assert api_client.get(path, {"limit": 30}).status_code == 200


# --- block, unblock, delete -------------------------------------------------------------------


def test_block_until_unblocked(as_staff, people):
    akhil = people["akhil"]
    client, staff = as_staff("block_user")
    response = client.post(f"/api/v1/user/admin/block/{akhil.pk}", {"reason": "chargeback"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "blocked" and body["blocked_until"] is None
    assert body["user_id"] == akhil.pk and body["phone_number"] == "9876543210"
    assert body["user_type"] == "prepaid"
    akhil.refresh_from_db()
    assert akhil.status == AccountStatus.BLOCKED and akhil.status_reason == "chargeback"
    event = last_event("accounts.user_blocked")
    assert event.actor_id == staff.pk and event.target_id == str(akhil.pk)
    assert event.before["status"] == "active"
    assert event.after == {"status": "blocked", "reason": "chargeback", "blocked_until": None}


def test_block_for_some_days_lifts_by_itself(api_client, as_staff, people):
    akhil = User.objects.get(pk=people["akhil"].pk)
    client, _ = as_staff("block_user")
    response = client.post(f"/api/v1/user/admin/block/{akhil.pk}/", {"duration_days": 3})
    assert response.status_code == 200, response.content
    akhil.refresh_from_db()
    expected = timezone.now() + timedelta(days=3)
    assert abs((akhil.blocked_until - expected).total_seconds()) < 60

    api_client.force_authenticate(None)
    credentials = {"username": akhil.username, "password": DEFAULT_PASSWORD}
    assert api_client.post("/api/v1/auth/login", credentials).status_code == 403

    User.objects.filter(pk=akhil.pk).update(blocked_until=timezone.now() - timedelta(seconds=1))
    login = api_client.post("/api/v1/auth/login", credentials)
    assert login.status_code == 200, login.content
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    me = api_client.get("/api/v1/user/me")
    assert me.status_code == 200 and me.json()["status"] == "active"


def test_a_blocked_users_token_stops_at_the_next_request(api_client, people, password_sign_in):
    akhil = people["akhil"]
    login = api_client.post(
        "/api/v1/auth/login", {"username": akhil.username, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200, login.content
    token = login.json()["access"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api_client.get("/api/v1/user/me").status_code == 200

    staff = UserFactory(is_staff=True, user_type=StaffType.ADMIN, username="blocker")
    staff.user_permissions.add(Permission.objects.get(codename="block_user"))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {password_sign_in('blocker')['access']}")
    blocked = api_client.post(f"/api/v1/user/admin/block/{akhil.pk}", {"reason": "fraud"})
    assert blocked.status_code == 200, blocked.content

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api_client.get("/api/v1/user/me")
    assert response.status_code == 401
    assert not AuthSession.objects.filter(user=akhil, revoked_at__isnull=True).exists()


@pytest.mark.parametrize(
    "body", [{"duration_days": 0}, {"duration_days": "soon"}, {"reason": "x", "status": "active"}]
)
def test_block_refuses_bad_input(as_staff, people, body):
    client, _ = as_staff("block_user")
    response = client.post(f"/api/v1/user/admin/block/{people['akhil'].pk}", body)
    assert response.status_code == 400
    assert User.objects.get(pk=people["akhil"].pk).status == AccountStatus.ACTIVE


@pytest.mark.parametrize("who", ["staff", "plain", "missing"])
def test_block_reaches_only_subscribers(as_staff, people, who):
    client, _ = as_staff("block_user")
    target_id = people[who].pk if who != "missing" else 999999
    response = client.post(f"/api/v1/user/admin/block/{target_id}")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="accounts.user_blocked").exists()


def test_unblock(as_staff, people):
    chitra = people["chitra"]
    client, staff = as_staff("block_user")
    response = client.post(f"/api/v1/user/admin/unblock/{chitra.pk}")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    assert User.objects.get(pk=chitra.pk).status == AccountStatus.ACTIVE
    event = last_event("accounts.user_unblocked")
    assert event.actor_id == staff.pk
    assert event.before["status"] == "blocked" and event.after["status"] == "active"


def test_unblocking_someone_not_blocked_is_refused(as_staff, people):
    client, _ = as_staff("block_user")
    response = client.post(f"/api/v1/user/admin/unblock/{people['akhil'].pk}")
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="accounts.user_unblocked").exists()


def test_delete_archives_and_keeps_the_row(api_client, as_staff, people):
    akhil = people["akhil"]
    client, staff = as_staff("delete_user", "view_user")
    response = client.delete(f"/api/v1/user/admin/{akhil.pk}")
    assert response.status_code == 200
    assert response.json() == {}
    akhil.refresh_from_db()
    assert akhil.status == AccountStatus.ARCHIVED
    assert akhil.email == "akhil@example.com"  # data kept
    event = last_event("accounts.user_archived")
    assert event.actor_id == staff.pk
    assert event.before["status"] == "active" and event.after["status"] == "archived"

    assert akhil.pk not in ids(client.get(LIST))
    archived = client.get(ARCHIVED).json()
    assert akhil.pk in {r["user_id"] for r in archived}

    api_client.force_authenticate(None)
    login = api_client.post(
        "/api/v1/auth/login", {"username": akhil.username, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 403


def test_delete_reaches_only_subscribers(as_staff, people):
    client, _ = as_staff("delete_user")
    assert client.delete(f"/api/v1/user/admin/{people['staff'].pk}").status_code == 404
    assert User.objects.get(pk=people["staff"].pk).status == AccountStatus.ACTIVE


def test_wallet_balances_show_without_a_query_per_row(api_client):
    try:
        wallet_model = User._meta.get_field("wallet").related_model
    except FieldDoesNotExist:
        pytest.skip("no wallet model installed")
    for n in range(5):
        wallet_model.objects.create(
            user=subscriber(mobile=f"+9198300{n:05d}"), balance=Decimal(f"{n}2.50")
        )
    subscriber(mobile="+919830099999")  # no wallet yet
    api_client.force_authenticate(UserFactory(is_staff=True, is_superuser=True))
    with CaptureQueriesContext(connection) as ctx:
        response = api_client.get(LIST, {"sort_by": "user_id"})
    balances = [r["wallet_balance"] for r in response.json()]
    # JSON numbers, as seed 004 shows them, each exactly its decimal.
    assert balances == [2.5, 12.5, 22.5, 32.5, 42.5, 0]
    assert b"12.5," in response.content and b"12.499" not in response.content
    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) == 1  # the page, wallets joined in
