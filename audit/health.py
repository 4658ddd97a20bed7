"""Health of the system's dependencies, each checked for real and timed.

A check ends `ok`, `degraded` (working, but someone should look) or `fail`
(a dependency the platform needs is not working). The overall status is the
worst of them. Nothing here writes to the database.
"""

import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

logger = logging.getLogger(__name__)

OK, DEGRADED, FAIL = "ok", "degraded", "fail"
_RANK = {OK: 0, DEGRADED: 1, FAIL: 2}
OVERALL = {OK: "healthy", DEGRADED: "degraded", FAIL: "unhealthy"}
MIB = 1024 * 1024
GIB = 1024 * MIB
_IMPORTED_AT = time.time()


@dataclass
class CheckResult:
    name: str
    status: str
    latency_ms: float = 0.0
    detail: str = ""
    data: dict = field(default_factory=dict)


def _timed(name: str, check: Callable[[], tuple[str, str, dict]]) -> CheckResult:
    """Run one check; an exception is that dependency failing, never an error of the page."""
    started = time.perf_counter()
    try:
        status, detail, data = check()
    except Exception as exc:  # any error of a dependency is its failure
        logger.warning("Health check %s failed: %s", name, type(exc).__name__)
        status, detail, data = FAIL, f"{type(exc).__name__}", {}
    latency = round((time.perf_counter() - started) * 1000, 2)
    return CheckResult(name=name, status=status, latency_ms=latency, detail=detail, data=data)


def check_database() -> tuple[str, str, dict]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    if not row or row[0] != 1:
        return FAIL, "unexpected answer to SELECT 1", {}
    return OK, "connected", {"vendor": connections[DEFAULT_DB_ALIAS].vendor}


def check_cache() -> tuple[str, str, dict]:
    cache = caches["default"]
    key = f"health:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=30)
        read = cache.get(key)
    finally:
        cache.delete(key)
    if read != value:
        return FAIL, "a value written could not be read back", {}
    return OK, "connected", {"backend": type(cache).__name__}


def _in_process_broker() -> bool:
    url = getattr(settings, "CELERY_BROKER_URL", "") or ""
    return getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) or url.startswith("memory://")


def check_broker() -> tuple[str, str, dict]:
    if _in_process_broker():
        return OK, "in_process", {"mode": "in_process"}
    from kombu import Connection

    timeout = getattr(settings, "HEALTH_BROKER_TIMEOUT_SECONDS", 2)
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=timeout) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
        transport = conn.transport_cls
    return OK, "connected", {"mode": "broker", "transport": str(transport)}


def check_migrations() -> tuple[str, str, dict]:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    pending = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
    if pending:
        return DEGRADED, f"{len(pending)} pending", {"pending": pending[:20]}
    return OK, "up to date", {"pending": []}


def _existing(path: Path) -> Path:
    """The nearest existing folder: a data folder not yet created still lives on a disk."""
    path = Path(path).resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_disk() -> tuple[str, str, dict]:
    fail_percent = getattr(settings, "HEALTH_DISK_FAIL_PERCENT", 2)
    degraded_percent = getattr(settings, "HEALTH_DISK_DEGRADED_PERCENT", 10)
    fail_bytes = getattr(settings, "HEALTH_DISK_FAIL_BYTES", 100 * MIB)
    degraded_bytes = getattr(settings, "HEALTH_DISK_DEGRADED_BYTES", GIB)
    folders = {"var": settings.VAR_DIR, "media": settings.MEDIA_ROOT}
    from audit.backups.services import backup_dir

    folders["backups"] = backup_dir()
    status, volumes = OK, {}
    for label, folder in folders.items():
        usage = shutil.disk_usage(_existing(folder))
        free_percent = round(usage.free * 100 / usage.total, 2) if usage.total else 0.0
        if free_percent < fail_percent or usage.free < fail_bytes:
            volume_status = FAIL
        elif free_percent < degraded_percent or usage.free < degraded_bytes:
            volume_status = DEGRADED
        else:
            volume_status = OK
        status = max(status, volume_status, key=_RANK.__getitem__)
        volumes[label] = {
            "status": volume_status,
            "free_bytes": usage.free,
            "total_bytes": usage.total,
            "free_percent": free_percent,
        }
    lowest = min(v["free_percent"] for v in volumes.values())
    return status, f"{lowest}% free at the lowest", {"volumes": volumes}


CHECKS: dict[str, Callable[[], tuple[str, str, dict]]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "migrations": check_migrations,
    "disk": check_disk,
}


def _process_started_at() -> float:
    """When this process started (Linux /proc), else when this module was first imported."""
    try:
        with open("/proc/self/stat") as stat, open("/proc/uptime") as uptime:
            # Field 22, after the parenthesised command name, is the start in clock ticks.
            start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
            booted = time.time() - float(uptime.read().split()[0])
        return booted + start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return _IMPORTED_AT


def _humanize(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} day{'s' if days != 1 else ''}, {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


def system_health() -> dict:
    """Every check's result and the overall status, in the reply's shape."""
    started = time.perf_counter()
    results = [_timed(name, check) for name, check in CHECKS.items()]
    worst = max((r.status for r in results), key=_RANK.__getitem__)
    total_ms = round((time.perf_counter() - started) * 1000, 2)
    uptime = max(0, int(time.time() - _process_started_at()))
    by_name = {r.name: r for r in results}
    return {
        "status": OVERALL[worst],
        "database": "connected" if by_name["database"].status == OK else "error",
        "cache": "connected" if by_name["cache"].status == OK else "error",
        "response_time": f"{round(total_ms)}ms",
        "uptime": _humanize(uptime),
        "uptime_seconds": uptime,
        "checked_at": timezone.now(),
        "checks": {
            r.name: {
                "status": r.status,
                "latency_ms": r.latency_ms,
                "detail": r.detail,
                "data": r.data,
            }
            for r in results
        },
    }
