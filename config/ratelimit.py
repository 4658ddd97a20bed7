"""Fixed-window counters and locks in the shared cache.

State lives in the cache (Redis in production), so every web process sees the
same counts. Keys are hashed: identifiers such as e-mail addresses never sit
in the cache in the clear.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.exceptions import Throttled


def _key(scope: str, subject: str) -> str:
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"rl:{scope}:{digest}"


@dataclass(frozen=True)
class Rule:
    """At most `limit` events per `window` seconds; past it, `lock` seconds of refusal."""

    scope: str
    limit: int
    window: int
    lock: int | None = None

    @property
    def lock_seconds(self) -> int:
        return self.lock if self.lock is not None else self.window


def locked_for(rule: Rule, subject: str) -> int:
    """Seconds until `subject` may try again under `rule`, or 0."""
    until = cache.get(_key(f"{rule.scope}:lock", subject))
    return max(0, math.ceil(until - time.time())) if until else 0


def incr_window(key: str, window: int) -> int:
    """Add one to the counter `key`, which lives `window` seconds from its first count.

    On Redis this is one round trip (INCR and EXPIRE NX in a pipeline), which
    matters because API throttles call it on every request. Other caches (the
    local one of tests and `make run`) take the portable add-then-incr path.
    """
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)
        pipe = backend._cache.get_client(full_key, write=True).pipeline(transaction=False)
        pipe.incr(full_key)
        pipe.expire(full_key, window, nx=True)
        count, _ = pipe.execute()
        return count
    backend.add(key, 0, timeout=window)
    try:
        return backend.incr(key)
    except ValueError:  # expired between add and incr
        backend.add(key, 1, timeout=window)
        return 1


def hit(rule: Rule, subject: str) -> bool:
    """Count one event; returns True when this event crossed the limit and locked `subject`."""
    counter = _key(rule.scope, subject)
    count = incr_window(counter, rule.window)
    if count >= rule.limit:
        lock_key = _key(f"{rule.scope}:lock", subject)
        if cache.add(lock_key, time.time() + rule.lock_seconds, timeout=rule.lock_seconds):
            cache.delete(counter)
            return True
    return False


def reset(rule: Rule, subject: str) -> None:
    cache.delete_many([_key(rule.scope, subject), _key(f"{rule.scope}:lock", subject)])


def enforce(rule: Rule, subject: str, message: str | None = None) -> None:
    """Refuse with 429 and Retry-After while `subject` is locked under `rule`."""
    wait = locked_for(rule, subject)
    if wait:
        raise Throttled(wait=wait, detail=message)


def consume(rule: Rule, subject: str, message: str | None = None) -> None:
    """Count an attempt and refuse it once the limit is reached (a plain rate limit)."""
    enforce(rule, subject, message)
    # The attempt that reaches the limit is still allowed; the ones after it wait.
    hit(rule, subject)
