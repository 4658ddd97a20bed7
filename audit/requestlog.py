"""The API request log: captured by the middleware, redacted, written in batches.

Writing one row per request inside the request would cost a round trip to
the database on every call; instead each process keeps a short buffer that a
background thread flushes in bulk (every `API_LOG_FLUSH_SECONDS` or
`API_LOG_BATCH` rows). With `API_LOG_BATCH` at 0 rows are written at once,
which tests use to read the log right after a request.
"""

import atexit
import contextlib
import json
import logging
import re
import threading
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from django.conf import settings
from django.db import close_old_connections, connection

from config.logging import redact, redact_mapping

logger = logging.getLogger(__name__)

BODY_LIMIT = 4096
_TEXT_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/")
# Identity numbers keep only their last four characters wherever they appear.
_IDENTITY_KEYS = re.compile(r"(?i)(aadhaar|pan_number|pan$|gst|account_number|ifsc)")


def _mask_identity(value):
    if isinstance(value, dict):
        return {
            key: ("X" * max(0, len(str(item)) - 4) + str(item)[-4:])
            if isinstance(key, str) and _IDENTITY_KEYS.search(key) and item not in (None, "")
            else _mask_identity(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_mask_identity(item) for item in value]
    return value


def clean_body(raw: bytes, content_type: str) -> str:
    """A loggable copy of a body: secrets and identity numbers out, at most BODY_LIMIT chars."""
    if not raw:
        return ""
    if not content_type.startswith(_TEXT_TYPES):
        return f"<{len(raw)} bytes of {content_type or 'unknown type'}>"
    text = raw[: BODY_LIMIT * 4].decode("utf-8", errors="replace")
    if content_type.startswith("application/json"):
        with contextlib.suppress(ValueError):
            text = json.dumps(_mask_identity(redact_mapping(json.loads(text))), ensure_ascii=False)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        pairs = dict(parse_qsl(text, keep_blank_values=True))
        # A form post of seed 004 carries the one-time code as "password".
        text = json.dumps(_mask_identity(redact_mapping(pairs)), ensure_ascii=False)
    text = redact(text)
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + "…[truncated]"


def clean_response(raw: bytes, content_type: str, truncated: bool = False) -> str:
    """Responses are cleaned by pattern only: our replies already mask identity numbers."""
    if not raw:
        return ""
    if not content_type.startswith(_TEXT_TYPES):
        return f"<{len(raw)} bytes of {content_type or 'unknown type'}>"
    text = redact(raw.decode("utf-8", errors="replace"))
    return text + "…[truncated]" if truncated else text


class _Writer:
    def __init__(self) -> None:
        self._rows: list[dict] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, row: dict) -> None:
        batch = getattr(settings, "API_LOG_BATCH", 200)
        if batch <= 0:
            self._write([row])
            return
        with self._lock:
            self._rows.append(row)
            full = len(self._rows) >= batch
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="api-log", daemon=True)
                self._thread.start()
        if full:
            self._wake.set()

    def _run(self) -> None:
        interval = getattr(settings, "API_LOG_FLUSH_SECONDS", 1.0)
        while True:
            self._wake.wait(interval)
            self._wake.clear()
            self.flush()

    def flush(self) -> None:
        with self._lock:
            rows, self._rows = self._rows, []
        if rows:
            self._write(rows)

    def _write(self, rows: list[dict]) -> None:
        from audit.models import ApiRequestLog

        for row in rows:
            raw = row["response_body"]
            row["response_body"] = clean_response(*raw) if raw else ""
        try:
            ApiRequestLog.objects.bulk_create(
                [ApiRequestLog(**row) for row in rows], batch_size=500
            )
        except Exception:
            # The log must never take a request down with it; say so and move on.
            logger.exception("Could not write %d API log rows", len(rows))
        finally:
            if threading.current_thread() is self._thread:
                close_old_connections()
                connection.close()


writer = _Writer()
atexit.register(writer.flush)


def record(request, response, duration_ms: float, request_body: str) -> None:
    user = getattr(request, "user", None)
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    # The response is cleaned by the writer, off the request's path: only a
    # capped copy of its bytes is taken here.
    raw_response = b""
    if not getattr(response, "streaming", False):
        content = response.content
        raw_response = (
            content[:BODY_LIMIT],
            response.get("Content-Type", ""),
            len(content) > BODY_LIMIT,
        )
    writer.add(
        {
            "created_at": datetime.now(tz=UTC),
            "method": request.method,
            "path": request.path[:500],
            "query": redact(request.META.get("QUERY_STRING", ""))[:1000],
            "status_code": response.status_code,
            "duration_ms": round(duration_ms, 3),
            "user_id": user_id,
            "ip": getattr(request, "client_ip", None),
            "request_id": getattr(request, "request_id", ""),
            "user_agent": request.headers.get("User-Agent", "")[:256],
            "request_body": request_body,
            "response_body": raw_response,
        }
    )


def read_request_body(request) -> str:
    """The request body for the log, read only when it is small text (uploads are skipped)."""
    content_type = request.META.get("CONTENT_TYPE", "")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if not length:
        return ""
    if length > BODY_LIMIT * 4 or not content_type.startswith(_TEXT_TYPES):
        return f"<{length} bytes of {content_type or 'unknown type'}>"
    return clean_body(request.body, content_type)
