"""API throttles count in fixed windows, on the local cache and on Redis alike."""

import socket

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from config import throttling
from config.ratelimit import incr_window

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.probe_urls")]

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request, settings):
    if request.param == "redis":
        if not _redis_up():
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "config.cache.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": "throttle-test",
            }
        }
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_counter_counts_and_expires_with_its_window(cache_backend):
    assert [incr_window("w:a", 60) for _ in range(3)] == [1, 2, 3]
    assert incr_window("w:b", 60) == 1
    if isinstance(cache_backend, RedisCache):
        full_key = cache_backend.make_and_validate_key("w:a")
        ttl = cache_backend._cache.get_client(full_key).ttl(full_key)
        # The first count set the lifetime; later counts did not extend it.
        assert 0 < ttl <= 60
        # One client per pool, not one per call.
        assert cache_backend._cache.get_client(full_key) is cache_backend._cache.get_client("w:b")


def test_rate_is_enforced_per_window_with_retry_after(cache_backend, api_client, monkeypatch):
    now = [1_000_000.0]  # 1_000_000 // 60 puts this 40 s into a window
    monkeypatch.setattr(throttling.WindowRateThrottle, "timer", lambda self: now[0])

    assert api_client.get("/api/v1/probe/throttled").status_code == 200
    refused = api_client.get("/api/v1/probe/throttled")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) == 20  # until the window ends, not a full minute

    now[0] += 20
    assert api_client.get("/api/v1/probe/throttled").status_code == 200
    assert api_client.get("/api/v1/probe/throttled").status_code == 429


def test_clients_are_counted_apart(cache_backend, api_client):
    assert api_client.get("/api/v1/probe/throttled", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert api_client.get("/api/v1/probe/throttled", REMOTE_ADDR="10.0.0.2").status_code == 200
    assert api_client.get("/api/v1/probe/throttled", REMOTE_ADDR="10.0.0.1").status_code == 429


def test_the_api_default_throttles_are_the_window_ones(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "config.throttling.AnonRateThrottle",
        "config.throttling.UserRateThrottle",
    ]
