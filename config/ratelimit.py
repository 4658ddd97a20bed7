"""Fixed-window counters and locks in the shared cache.

State lives in the cache (Redis in production), so every web process sees the
same counts. Keys are hashed: identifiers such as e-mail addresses never sit
in the cache in the clear.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
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


def hit(rule: Rule, subject: str) -> bool:
    """Count one event; returns True when this event crossed the limit and locked `subject`."""
    counter = _key(rule.scope, subject)
    cache.add(counter, 0, timeout=rule.window)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.add(counter, 1, timeout=rule.window)
        count = 1
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
