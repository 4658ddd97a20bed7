"""Performance goal P8: a list costs the same number of queries whatever its page size.

Every GET route of the schema without a path parameter whose reply is a paged list or
a bare array is fetched at two page sizes over the demo data, signed in with a real
bearer token; a query per row (an N+1) makes the counts differ and names the route.
The same routes are held to the counts in `query_baseline.json` at page size 20, so a
list that starts making more queries fails even when it stays flat.

To rewrite the baseline after a deliberate change:

    UPDATE_QUERY_BASELINE=1 pytest tests/perf/test_list_query_counts.py -k baseline

Each test runs in its own transaction, over demo data loaded once for the module.
"""

import json
import os
import re
import uuid
import warnings
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.models import (
    AccountStatus,
    CustomPermission,
    PermissionCategory,
    SubscriberType,
    User,
)
from accounts.services.sessions import session_start
from tests.config.test_schema import operations
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASELINE = Path(__file__).with_name("query_baseline.json")
UPDATE = os.environ.get("UPDATE_QUERY_BASELINE") == "1"
BASELINE_PAGE_SIZE = 20
# The size parameter of each paging style, in the order tried: DRF's pages, seed 004's
# envelope, and the bare arrays' limit (also the default of the lists that are bare
# unless a contract asks for pages).
SIZE_PARAMETERS = ("page_size", "size", "limit")
SMALL, LARGE = 5, 50
# Below this many rows a list cannot show a cost per row.
FEWEST_ROWS = 5


def _list_routes() -> dict[str, list[str]]:
    """Each list route, with the size parameters its schema documents."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    routes = {}
    for path, method, operation in operations(schema):
        if method != "get" or "{" in path:
            continue
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        sizes = [name for name in SIZE_PARAMETERS if name in names]
        if sizes:
            routes[path] = sizes
    return routes


ROUTES = _list_routes()


def rows_in(body) -> int | None:
    """How many rows a list reply holds, whichever envelope wraps them."""
    if isinstance(body, list):
        return len(body)
    if not isinstance(body, dict):
        return None
    lists = [value for value in body.values() if isinstance(value, list)]
    if len(lists) == 1:
        return len(lists[0])
    # Seed 003's envelope keeps the page under `data`.
    return rows_in(body.get("data"))


# --- data ----------------------------------------------------------------------------------------


def _copy(row, **changes):
    """A new row like `row`, with `changes` (for lists the small demo keeps short)."""
    row.pk = None
    row.id = None
    row._state.adding = True
    for field, value in changes.items():
        setattr(row, field, value)
    row.save()
    return row


def _copies(queryset, count: int, **changes) -> None:
    """`count` copies of the first row of `queryset`; a callable change is given the copy's number."""
    template = queryset.order_by("pk").first()
    assert template is not None, f"the demo data has no {queryset.model.__name__} to copy"
    for n in range(count):
        _copy(
            queryset.model.objects.get(pk=template.pk),
            **{field: value(n) if callable(value) else value for field, value in changes.items()},
        )


def _thicken(admin: User) -> None:
    """Rows for the lists the small demo leaves with fewer than a handful.

    Lists of one's own things get their rows on the superuser, so it reads every list.
    """
    from audit.models import ApiRequestLog
    from audit.models_backup import Backup, BackupStatus
    from billing.models import IspPackage
    from kyc.models import KycKind, KycRecord, KycStatus
    from recharge.models import (
        Autopay,
        Offer,
        OfferType,
        PlanGroup,
        ReferralReward,
        ReferralStatus,
        Transaction,
        UserPlan,
    )
    from recharge.notifications.models import Announcement, ContactMessage, Notification

    now = timezone.now()
    copies = 6
    _copies(OfferType.objects, copies, offer_type_name=lambda n: f"Perf type {n}")
    _copies(Offer.objects, copies, offer_name=lambda n: f"Perf offer {n}")
    _copies(PlanGroup.objects, copies, group_name=lambda n: f"Perf group {n}")
    _copies(ContactMessage.objects, copies, name=lambda n: f"Perf sender {n}")
    _copies(Announcement.objects, copies, description=lambda n: f"Perf notice {n}")
    _copies(IspPackage.objects, copies, name=lambda n: f"Perf {n}", code=lambda n: f"perf-{n}")
    _copies(Autopay.objects, copies, user=admin, tag=lambda n: f"perf {n}")
    _copies(Notification.objects.filter(announcement__isnull=True), copies, user=admin)
    _copies(Transaction.objects, copies, user=admin, reference=lambda n: uuid.uuid4(), payment=None)
    for plan in UserPlan.objects.order_by("pk")[:copies]:
        paid = _copy(plan.transaction, user=admin, reference=uuid.uuid4(), payment=None)
        _copy(plan, user=admin, transaction=paid)
    # Still pending: a copy cannot share another reward's credit.
    _copies(
        ReferralReward.objects,
        copies,
        referrer=admin,
        referred=lambda n: UserFactory(username=f"referred{n}", referred_by=admin),
        status=ReferralStatus.PENDING,
        transaction=None,
        claimed_at=None,
    )
    # A PAN or bank account marked held elsewhere: the number a copy repeats is not claimed twice.
    _copies(
        KycRecord.objects.filter(is_current=True, kind__in=[KycKind.PAN, KycKind.BANK]),
        copies,
        user=lambda n: UserFactory(username=f"kyc{n}"),
        status=KycStatus.PENDING,
        held_elsewhere=True,
    )
    ApiRequestLog.objects.bulk_create(
        ApiRequestLog(
            created_at=now - timedelta(seconds=n),
            method="GET",
            path="/api/v1/user/me/",
            status_code=200,
            duration_ms=3.0,
            user=admin,
        )
        for n in range(LARGE)
    )
    Backup.objects.bulk_create(
        Backup(
            name=f"perf-{n}.dump",
            database="platform",
            file_path=f"/backups/perf-{n}.dump",
            status=BackupStatus.COMPLETED,
            size_bytes=1024 * (n + 1),
            checksum_sha256=f"{n:064x}",
            creator=admin,
            started_at=now - timedelta(minutes=n + 1),
            completed_at=now - timedelta(minutes=n),
        )
        for n in range(copies)
    )
    permissions = list(Permission.objects.order_by("pk")[:3])
    custom_type = ContentType.objects.get_for_model(CustomPermission)
    for n in range(copies):
        group = Group.objects.create(name=f"Perf group {n}")
        group.permissions.add(*permissions)
        group.user_set.add(admin)
        category = PermissionCategory.objects.create(name=f"perf_{n}", display_name=f"Perf {n}")
        permission = Permission.objects.create(
            codename=f"perf_{n}", name=f"Perf {n}", content_type=custom_type
        )
        CustomPermission.objects.create(permission=permission, category=category, created_by=admin)
        UserFactory(
            username=f"archived{n}",
            status=AccountStatus.ARCHIVED,
            subscriber_type=SubscriberType.PREPAID,
        )
        session_start(user=admin)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The small demo data and a few more rows, committed for this module only.

    The demo's KYC step reads codes that are sent only once a transaction commits, so
    the data cannot live in a test's transaction. What the database held before is
    put back afterwards, as Django's `serialized_rollback` does, for the tests after.
    """
    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        try:
            # Argon2 is deliberately slow; the demo signs up dozens of people.
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
            ):
                call_command("demo_data", "--size", "small", stdout=StringIO(), stderr=StringIO())
                admin = User.objects.get(username="demo_admin", is_superuser=True)
                _thicken(admin)
            yield admin
        finally:
            # Sequences stay where they are: the restored rows keep their ids.
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                reset_sequences=False,
                inhibit_post_migrate=True,
            )
            connection.creation.deserialize_db_from_string(before)


# --- signing in and sizing the pages -------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    size_parameter: str
    rows: int  # at the largest size asked for


class Lists:
    """Requests to the lists, with the bearer token of a signed-in superuser."""

    def __init__(self, client, admin: User) -> None:
        self.client = client
        self.admin = admin
        self.plans: dict[str, Plan | None] = {}
        self.client.credentials(HTTP_AUTHORIZATION=f"Bearer {session_start(user=admin).access}")

    def rows(self, path: str, params: dict) -> int:
        response = self.client.get(path, params)
        assert response.status_code == 200, (
            f"{path}: {response.status_code} {response.content[:300]!r}"
        )
        count = rows_in(response.json())
        assert count is not None, f"{path} did not answer with a list"
        return count

    def plan(self, path: str) -> Plan | None:
        """Which of the route's documented parameters sizes its page, and how many rows it has.

        A list bare unless a client's contract asks for pages documents the parameters of
        both shapes; only the one it answers in changes what it returns.
        """
        if path not in self.plans:
            self.plans[path] = None
            for name in ROUTES[path]:
                most = self.rows(path, {name: LARGE})
                if most < 2:
                    break  # too few rows to tell which parameter sizes the page
                if self.rows(path, {name: 1}) == 1:
                    self.plans[path] = Plan(name, most)
                    break
            else:
                raise AssertionError(f"{path}: none of {ROUTES[path]} changes the page size")
        return self.plans[path]

    def count_queries(self, plan: Plan, path: str, size: int) -> tuple[int, int, list[str]]:
        params = {plan.size_parameter: size}
        # A session's first request does one-off work (it records its use); not the list's.
        self.rows(path, params)
        with CaptureQueriesContext(connection) as queries:
            rows = self.rows(path, params)
        return len(queries), rows, [q["sql"] for q in queries.captured_queries]


@pytest.fixture(scope="module")
def _plans(demo) -> dict:
    return {}


@pytest.fixture
def lists(api_client, demo, _plans) -> Lists:
    helper = Lists(api_client, demo)
    # How a list is sized is the same for both tests; the session, and so the token,
    # ends with each test's transaction.
    helper.plans = _plans
    return helper


def _shape(sql: str) -> str:
    # Ids and page bounds differ between the two pages; the statement run per row does not.
    return re.sub(r"\bIN \([^)]*\)", "IN (...)", re.sub(r"\b\d+\b", "?", sql))


def _repeated(small: list[str], large: list[str]) -> list[str]:
    """The statements the larger page ran more often: the ones run per row."""
    extra = Counter(map(_shape, large)) - Counter(map(_shape, small))
    return [sql[:300] for sql, _ in extra.most_common(3)]


# --- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(ROUTES))
def test_list_queries_do_not_grow_with_the_page(lists, path):
    plan = lists.plan(path)
    assert plan is not None and plan.rows >= FEWEST_ROWS, (
        f"{path}: fewer than {FEWEST_ROWS} rows for the superuser; add rows in _thicken()"
    )
    small, large = (SMALL, LARGE) if plan.rows > SMALL else (2, SMALL)
    small_count, small_rows, small_sql = lists.count_queries(plan, path, small)
    large_count, large_rows, large_sql = lists.count_queries(plan, path, large)
    assert small_rows < large_rows, f"{path}: both sizes returned {small_rows} rows"
    assert small_count == large_count, (
        f"{path}: {small_count} queries for {small_rows} rows but {large_count} for "
        f"{large_rows}; repeated per row: {_repeated(small_sql, large_sql)}"
    )


class QueryBaselineHint(UserWarning):
    """A list makes fewer queries than its baseline: lower the number in the file."""


@pytest.fixture(scope="module")
def baseline():
    recorded = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    measured: dict[str, int] = {}
    yield recorded, measured
    if UPDATE and measured:
        # Routes not run this time keep their numbers, so `-k` can refresh a few.
        merged = {path: count for path, count in {**recorded, **measured}.items() if path in ROUTES}
        BASELINE.write_text(json.dumps(dict(sorted(merged.items())), indent=2) + "\n")


@pytest.mark.parametrize("path", sorted(ROUTES))
def test_list_queries_stay_within_the_baseline(lists, baseline, path):
    recorded, measured = baseline
    plan = lists.plan(path) or Plan(ROUTES[path][0], 0)
    count, _, _ = lists.count_queries(plan, path, BASELINE_PAGE_SIZE)
    measured[path] = count
    if UPDATE:
        assert count > 0, f"{path} answered without reading the database"
        return
    regenerate = "UPDATE_QUERY_BASELINE=1 pytest tests/perf/test_list_query_counts.py -k baseline"
    assert path in recorded, f"{path} has no baseline in {BASELINE.name}; run {regenerate}"
    assert count <= recorded[path], (
        f"{path} made {count} queries at page size {BASELINE_PAGE_SIZE}, its baseline is "
        f"{recorded[path]}; remove the new queries, or if they are meant, run {regenerate}"
    )
    if count < recorded[path]:
        warnings.warn(
            f"{path} now makes {count} queries, fewer than its baseline of {recorded[path]}; "
            f"run {regenerate} to lock the gain in",
            QueryBaselineHint,
            stacklevel=1,
        )
