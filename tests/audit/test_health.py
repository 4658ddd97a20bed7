"""GET /admin/system/health: real checks, each timed; the worst decides; a failure is a 503."""

import time
from collections import namedtuple

import pytest
from django.contrib.auth.models import Permission
from django.core.cache.backends.locmem import LocMemCache
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder

from accounts.models import StaffType, User
from audit import health
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/admin/system/health"
CHECKS = {"database", "cache", "broker", "migrations", "disk"}
Usage = namedtuple("Usage", "total used free")
GIB = 1024**3


class BrokenCache(LocMemCache):
    """A cache whose server is gone."""

    def set(self, *args, **kwargs):
        raise ConnectionError("cache server unreachable")

    def get(self, *args, **kwargs):
        raise ConnectionError("cache server unreachable")

    def delete(self, *args, **kwargs):
        raise ConnectionError("cache server unreachable")


def health_viewer() -> User:
    user = UserFactory(user_type=StaffType.NOC_MANAGER, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="audit", codename="view_system_health")
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def admin_client(api_client):
    api_client.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
    return api_client


@pytest.fixture(autouse=True)
def _plenty_of_disk(monkeypatch):
    """The machine running the tests may be short of disk; the checks under test decide."""
    monkeypatch.setattr(
        health.shutil, "disk_usage", lambda path: Usage(100 * GIB, 50 * GIB, 50 * GIB)
    )


def test_anonymous_is_refused(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.get(f"{URL}/").status_code == 401


def test_a_normal_user_is_refused(api_client):
    api_client.force_authenticate(UserFactory())
    response = api_client.get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_all_checks_pass_for_a_holder_of_the_permission_signed_in_with_a_token(
    api_client, password_sign_in
):
    viewer = health_viewer()
    api_client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {password_sign_in(viewer.username)['access']}"
    )

    response = api_client.get(f"{URL}/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "healthy"
    assert body["database"] == "connected" and body["cache"] == "connected"
    assert body["response_time"].endswith("ms")
    assert body["uptime_seconds"] >= 0 and body["uptime"]
    assert set(body["checks"]) == CHECKS
    for name, check in body["checks"].items():
        assert check["status"] == "ok", (name, check)
        assert check["latency_ms"] >= 0
    assert body["checks"]["database"]["data"]["vendor"] == connection.vendor
    # No broker configured: tasks run in this process, which is fine.
    assert body["checks"]["broker"]["detail"] == "in_process"
    assert body["checks"]["migrations"]["data"]["pending"] == []
    assert set(body["checks"]["disk"]["data"]["volumes"]) == {"var", "media", "backups"}


def test_database_failure_is_a_503_with_the_report(admin_client):
    def refuse_ping(execute, sql, params, many, context):
        if sql.strip().upper() == "SELECT 1":
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_ping):
        response = admin_client.get(URL)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["database"] == "error"
    assert body["checks"]["database"]["status"] == "fail"
    assert body["checks"]["database"]["detail"] == "OperationalError"
    # The other checks still ran and report for themselves.
    assert body["checks"]["cache"]["status"] == "ok"


def test_cache_failure_is_a_503(admin_client, settings):
    settings.CACHES = {"default": {"BACKEND": "tests.audit.test_health.BrokenCache"}}

    response = admin_client.get(URL)

    assert response.status_code == 503
    body = response.json()
    assert body["cache"] == "error"
    assert body["checks"]["cache"]["status"] == "fail"
    assert "unreachable" not in str(body)  # the exception's text stays on the server
    assert body["checks"]["database"]["status"] == "ok"


def test_unreachable_broker_is_a_503_within_a_short_time(admin_client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"
    settings.HEALTH_BROKER_TIMEOUT_SECONDS = 1

    started = time.monotonic()
    response = admin_client.get(URL)

    assert time.monotonic() - started < 5
    assert response.status_code == 503
    broker = response.json()["checks"]["broker"]
    assert broker["status"] == "fail"
    assert "guest" not in str(response.json())  # no broker credentials in the reply


def test_pending_migrations_degrade_without_failing(admin_client):
    latest = MigrationRecorder.Migration.objects.filter(app="audit").order_by("-id").first()
    MigrationRecorder.Migration.objects.filter(pk=latest.pk).delete()

    response = admin_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    migrations = body["checks"]["migrations"]
    assert migrations["status"] == "degraded"
    assert f"audit.{latest.name}" in migrations["data"]["pending"]


@pytest.mark.parametrize(
    ("free", "expected_check", "expected_status", "http"),
    [
        (5 * GIB, "degraded", "degraded", 200),  # 5 % free
        (1 * GIB, "fail", "unhealthy", 503),  # 1 % free
    ],
)
def test_low_disk(admin_client, monkeypatch, free, expected_check, expected_status, http):
    monkeypatch.setattr(
        health.shutil, "disk_usage", lambda path: Usage(100 * GIB, 100 * GIB - free, free)
    )

    response = admin_client.get(URL)

    assert response.status_code == http
    body = response.json()
    assert body["status"] == expected_status
    disk = body["checks"]["disk"]
    assert disk["status"] == expected_check
    assert disk["data"]["volumes"]["var"]["free_bytes"] == free


def test_overall_status_is_the_worst_check(monkeypatch):
    for name in CHECKS:
        monkeypatch.setitem(health.CHECKS, name, lambda: ("ok", "", {}))
    monkeypatch.setitem(health.CHECKS, "cache", lambda: ("degraded", "", {}))
    assert health.system_health()["status"] == "degraded"
    monkeypatch.setitem(health.CHECKS, "broker", lambda: ("fail", "", {}))
    assert health.system_health()["status"] == "unhealthy"
