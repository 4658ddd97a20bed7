"""The API request log: captured by the middleware, redacted, written in batches.

Writing one row per request inside the request would cost a round trip to
the database on every call; instead each process keeps a bounded buffer that
a background thread writes in bulk, every `API_LOG_FLUSH_SECONDS` or as soon
as `API_LOG_BATCH` rows wait, and once more when the process exits. The
thread writes on a database alias of its own (`API_LOG_DATABASE`), so it never
takes a connection from the requests' pool and never joins a request's
transaction: a request that is rolled back, or fails with a 500, keeps its row.

What is accepted is not lost to one bad value: every value is made storable
first (NUL characters and lone surrogates replaced, strings cut to their
column, bodies kept as valid JSON), and a batch that is refused all the same
is written again row by row, so only the row that cannot be stored is dropped
and counted. At most `API_LOG_BUFFER_MAX` rows wait; past that new rows are
dropped and counted rather than blocking a request or growing memory. With
`API_LOG_BATCH` at 0 each row is written at once on the caller's thread,
which tests use to read the log right after a request.
"""

import atexit
import ipaddress
import json
import logging
import math
import os
import re
import threading
import time
from collections import deque
from datetime import UTC, datetime
from functools import lru_cache
from itertools import pairwise
from urllib.parse import parse_qsl

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
    transaction,
)

from config.logging import REDACTED, redact

logger = logging.getLogger(__name__)

BODY_LIMIT = 4096
# Bodies up to this size are read and cleaned; larger ones are logged by size.
CAPTURE_LIMIT = BODY_LIMIT * 4
TRUNCATED = "…[truncated]"
_MAX_DEPTH = 32
_SURROGATES = re.compile("[\ud800-\udfff]")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORDS = re.compile(r"[a-z]+")

# A key names a secret when its last word is one of these ("password",
# "new_password", "refreshToken", "otp"), or when a secret word is followed by
# one of _SECRET_QUALIFIERS ("password_confirm", "pin2"). "otp_sent" and
# "token_type" end in another word: they describe a secret, they are not one.
_SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "secret",
        "token",
        "tokens",
        "otp",
        "pin",
        "mpin",
        "tpin",
        "cvv",
        "cvc",
        "code",
        "refresh",
        "access",
        "authorization",
        "cookie",
        "cookies",
        "signature",
        "credential",
        "credentials",
        "apikey",
    }
)
_SECRET_QUALIFIERS = frozenset(
    {"confirm", "confirmation", "again", "repeat", "new", "old", "current", "hash", "value", "raw"}
)
# "api_key", "private_key", "secret_key": a "key" is secret only with one of these before it.
_KEY_KINDS = frozenset({"api", "private", "secret", "access", "signing", "encryption", "client"})
# A "code" whose value is spelled like one of our error or status codes
# ("validation_error") is not a one-time code, which always has digits.
_NAMED_CODE = re.compile(r"[a-z]+(?:_[a-z]+)*")
# Identity numbers keep only their last four characters wherever they appear.
_IDENTITY_WORDS = frozenset({"aadhaar", "aadhar", "pan", "gstin", "gst", "ifsc"})
_ACCOUNT_NUMBER = (("account", "number"), ("account", "no"), ("account", "num"))


def _key_words(key: str) -> list[str]:
    return _WORDS.findall(_CAMEL.sub("_", key).lower())


def _is_secret_key(words: list[str]) -> bool:
    if not words:
        return False
    last = words[-1]
    if last in _SECRET_WORDS:
        return True
    if len(words) < 2:
        return False
    before = words[-2]
    if last in _SECRET_QUALIFIERS and before in _SECRET_WORDS:
        return True
    return last == "key" and before in _KEY_KINDS


def _is_identity_key(words: list[str]) -> bool:
    if _IDENTITY_WORDS.intersection(words):
        return True
    return any(pair in _ACCOUNT_NUMBER for pair in pairwise(words))


def clean_text(value: str) -> str:
    """A string PostgreSQL stores as it is: no NUL character, no lone surrogate."""
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    if not value.isascii() and _SURROGATES.search(value):
        value = _SURROGATES.sub("\ufffd", value)
    return value


def _mask(value) -> str:
    text = str(value)
    return "X" * max(0, len(text) - 4) + text[-4:]


@lru_cache(maxsize=2048)
def _key_kind(key: str) -> tuple[bool, bool, bool]:
    """(names a secret, names an identity number, is a "code"), worked out once per key."""
    words = _key_words(key)
    return _is_secret_key(words), _is_identity_key(words), bool(words) and words[-1] == "code"


# Each pattern of config.logging.redact needs one of these words, or four
# digits in a row, to match: a string with none of them skips the patterns.
_REDACT_TRIGGERS = re.compile(
    "eyj|bearer|passw|secret|token|otp|api_key|api-key|apikey|authorization"
)
_FOUR_DIGITS = re.compile(r"\d{4}")


def _redact_leaf(value: str) -> str:
    value = clean_text(value)
    if _REDACT_TRIGGERS.search(value.lower()) or _FOUR_DIGITS.search(value):
        return redact(value)
    return value


def _clean_json(value, *, identity: bool = False, depth: int = 0):
    """A JSON-safe copy of a parsed body with secret values replaced, never its structure.

    The values of secret keys become "[REDACTED]"; booleans and nulls stay,
    since they cannot carry a secret. Identity numbers keep their last four
    characters. Strings lose NULs and lone surrogates and pass the log's
    pattern redaction (tokens, Aadhaar-shaped numbers) one by one.
    """
    if depth > _MAX_DEPTH:
        return "[too deep]"
    if isinstance(value, dict):
        cleaned = {}
        for raw_key, item in value.items():
            key = clean_text(str(raw_key))
            secret, identity_key, code = _key_kind(key)
            if item is None or isinstance(item, bool):
                cleaned[key] = item
            elif secret and not (code and isinstance(item, str) and _NAMED_CODE.fullmatch(item)):
                cleaned[key] = REDACTED if item != "" else ""
            else:
                cleaned[key] = _clean_json(item, identity=identity or identity_key, depth=depth + 1)
        return cleaned
    if isinstance(value, (list, tuple)):
        return [_clean_json(item, identity=identity, depth=depth + 1) for item in value]
    if value is None or isinstance(value, bool):
        return value
    if identity and value != "":
        return clean_text(_mask(value))
    if isinstance(value, str):
        return _redact_leaf(value)
    if isinstance(value, int):
        masked = _redact_leaf(str(value))
        return value if masked == str(value) else masked
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return _redact_leaf(str(value))


def _shrink(value, *, chars: int | None, items: int, depth: int = 0):
    """A cut-down copy of a body: containers keep their first items, strings their first chars."""
    if depth > _MAX_DEPTH:
        return "[too deep]"
    inner = {"chars": chars, "items": items, "depth": depth + 1}
    if isinstance(value, str):
        return value if chars is None or len(value) <= chars else value[:chars] + "…"
    if isinstance(value, list):
        kept = [_shrink(item, **inner) for item in value[:items]]
        return kept + ([f"… {len(value) - items} more"] if len(value) > items else [])
    if isinstance(value, dict):
        kept = {
            key if chars is None else key[:chars]: _shrink(item, **inner)
            for key, item in list(value.items())[:items]
        }
        if len(value) > items:
            kept["…"] = f"{len(value) - items} more keys"
        return kept
    return value


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _clean_to_fit(parsed, size: int) -> str:
    """Cleaned JSON text of at most BODY_LIMIT characters: long bodies are cut inside, not across.

    A long body is first cut by its containers only, to the first level whose
    uncleaned copy fits, so that only what is kept gets cleaned; strings are
    cut after cleaning, so no pattern is missed for being cut in two.
    """
    levels = ((256, 50), (48, 8))
    if size <= BODY_LIMIT:
        text = _dumps(_clean_json(parsed))
        if len(text) <= BODY_LIMIT:
            return text
    for index, (chars, items) in enumerate(levels):
        last = index == len(levels) - 1
        if not last:
            # Only a size estimate of the uncleaned copy: NaN and the like may still be in it.
            estimate = json.dumps(_shrink(parsed, chars=chars, items=items), ensure_ascii=False)
            if len(estimate) > BODY_LIMIT:
                continue
        cleaned = _clean_json(_shrink(parsed, chars=None, items=items))
        text = _dumps(_shrink(cleaned, chars=chars, items=items))
        if len(text) <= BODY_LIMIT:
            return text
    return _dumps({"truncated": True, "bytes": size})


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _is_text(media_type: str) -> bool:
    return (
        _is_json(media_type)
        or media_type == "application/x-www-form-urlencoded"
        or media_type.startswith("text/")
    )


def _by_size(size: int, content_type: str) -> str:
    return f"<{size} bytes of {content_type or 'unknown type'}>"


def clean_body(raw: bytes, content_type: str) -> str:
    """A loggable copy of a body: secrets and identity numbers out, at most BODY_LIMIT chars.

    JSON and form bodies are stored as JSON that parses; other text bodies
    by pattern redaction and truncation; anything else by its size.
    """
    if not raw:
        return ""
    media_type = _media_type(content_type)
    if not _is_text(media_type) or len(raw) > CAPTURE_LIMIT:
        return _by_size(len(raw), content_type)
    text = raw.decode("utf-8", errors="replace")
    if _is_json(media_type):
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):
            pass  # not JSON after all: stored as text below
        else:
            return _clean_to_fit(parsed, len(raw))
    elif media_type == "application/x-www-form-urlencoded":
        # A form post of seed 004 carries the one-time code as "password".
        pairs = dict(parse_qsl(text, keep_blank_values=True))
        return _clean_to_fit(pairs, len(raw))
    text = redact(clean_text(text))
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + TRUNCATED


def _ip(value) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def _int(value, low: int, high: int) -> int:
    number = int(value)
    return min(max(number, low), high)


_FIELD_LIMITS: dict[str, int] = {}


def _limits() -> dict[str, int]:
    if not _FIELD_LIMITS:
        from audit.models import ApiRequestLog

        for field in ApiRequestLog._meta.concrete_fields:
            if field.max_length:
                _FIELD_LIMITS[field.attname] = field.max_length
    return _FIELD_LIMITS


def prepare(row: dict) -> dict:
    """The row as the database will take it: every value coerced, cleaned and cut to its column.

    Safe to apply twice, so rows put back in the buffer are prepared again
    without harm.
    """
    row = dict(row)
    if "response" in row:
        raw, content_type, size = row.pop("response")
        if raw is not None:
            row["response_body"] = clean_body(raw, content_type)
        else:  # too large to clean, or streamed (size unknown)
            row["response_body"] = _by_size(size, content_type) if size else ""
    limits = _limits()
    for name in ("method", "path", "query", "request_id", "user_agent"):
        text = clean_text(str(row.get(name) or ""))
        row[name] = text[: limits[name]]
    for name in ("request_body", "response_body"):
        # Bodies are already cut to BODY_LIMIT; this bound only guards the table.
        row[name] = clean_text(str(row.get(name) or ""))[: BODY_LIMIT * 2]
    row["status_code"] = _int(row["status_code"], 0, 32767)
    duration = float(row.get("duration_ms") or 0.0)
    row["duration_ms"] = duration if math.isfinite(duration) else 0.0
    user_id = row.get("user_id")
    row["user_id"] = user_id if isinstance(user_id, int) and 0 < user_id < 2**63 else None
    row["ip"] = _ip(row.get("ip"))
    if not isinstance(row.get("created_at"), datetime):
        row["created_at"] = datetime.now(tz=UTC)
    return row


def _alias() -> str:
    alias = getattr(settings, "API_LOG_DATABASE", DEFAULT_DB_ALIAS)
    return alias if alias in settings.DATABASES else DEFAULT_DB_ALIAS


class _Writer:
    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._rows: deque[dict] = deque()
        self._in_flight = 0
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._unreported_full = 0
        self._unreachable = False
        self.written = 0
        self.dropped_full = 0
        self.dropped_unwritable = 0

    def stats(self) -> dict:
        with self._lock:
            buffered = len(self._rows) + self._in_flight
        return {
            "buffered": buffered,
            "written": self.written,
            "dropped_full": self.dropped_full,
            "dropped_unwritable": self.dropped_unwritable,
        }

    def add(self, row: dict) -> None:
        batch = getattr(settings, "API_LOG_BATCH", 200)
        if batch <= 0:
            unwritten = self._write([row])
            if unwritten:
                self._drop_unwritten(unwritten, "its database could not be reached")
            return
        limit = max(1, getattr(settings, "API_LOG_BUFFER_MAX", 2000))
        with self._lock:
            # Rows being written count too, so memory never holds more than the limit.
            if len(self._rows) + self._in_flight >= limit:
                self.dropped_full += 1
                self._unreported_full += 1
                wake = True
            else:
                self._rows.append(row)
                wake = len(self._rows) >= batch
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                self._thread = threading.Thread(target=self._run, name="api-log", daemon=True)
                self._thread.start()
        if wake:
            self._wake.set()

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                self._wake.wait(max(0.01, float(getattr(settings, "API_LOG_FLUSH_SECONDS", 1.0))))
                self._wake.clear()
                try:
                    self.flush()
                except Exception:
                    logger.exception("The API log writer failed to flush; it carries on")
        finally:
            connections.close_all()  # this thread's connections only

    def flush(self) -> None:
        """Writes what waits, a batch at a time; keeps it for later if the database is away."""
        with self._flushing:
            self._report_full()
            size = max(1, getattr(settings, "API_LOG_BATCH", 200))
            while True:
                with self._lock:
                    if not self._rows:
                        return
                    rows = [self._rows.popleft() for _ in range(min(size, len(self._rows)))]
                    self._in_flight = len(rows)
                unwritten: list[dict] = []
                try:
                    unwritten = self._write(rows)
                finally:
                    with self._lock:
                        self._in_flight = 0
                        self._rows.extendleft(reversed(unwritten))
                if unwritten:
                    return

    def stop(self, timeout: float = 10.0) -> None:
        """Ends the writer thread and writes what is left (process and worker exit)."""
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout)
        self.flush()
        with self._lock:
            left, self._rows = list(self._rows), deque()
        if left:
            self._drop_unwritten(left, "its database could not be reached before exit")

    def _report_full(self) -> None:
        with self._lock:
            count, self._unreported_full = self._unreported_full, 0
        if count:
            logger.warning(
                "Dropped %d API log rows: the buffer of %d rows was full",
                count,
                getattr(settings, "API_LOG_BUFFER_MAX", 2000),
            )

    def _drop_unwritten(self, rows: list[dict], reason: str) -> None:
        self.dropped_unwritable += len(rows)
        logger.error("Dropped %d API log rows: %s", len(rows), reason)

    def _drop(self, row: dict, error: BaseException) -> None:
        # The row's content may be what broke it, and may hold personal data: never logged.
        self.dropped_unwritable += 1
        logger.error(
            "Dropped an API log row that could not be written (%s, request id %s)",
            type(error).__name__,
            clean_text(str(row.get("request_id") or "-"))[:64],
        )

    def _insert(self, alias: str, rows: list[dict]) -> None:
        # One statement, atomic by itself on the writer's autocommit connection.
        # When the alias is the caller's own connection inside its transaction
        # (tests), a refused batch leaves that transaction to be rolled back.
        from audit.models import ApiRequestLog

        ApiRequestLog.objects.using(alias).bulk_create(
            [ApiRequestLog(**row) for row in rows], batch_size=500
        )

    def _insert_one(self, alias: str, row: dict) -> None:
        from audit.models import ApiRequestLog

        with transaction.atomic(using=alias):
            ApiRequestLog.objects.using(alias).create(**row)

    def _database_away(self, alias: str, error: Exception) -> bool:
        """Whether a failure was the database's (try the rows later) rather than the rows'."""
        if not isinstance(error, (OperationalError, InterfaceError)):
            return False
        connection = connections[alias]
        if connection.in_atomic_block:
            return False  # someone else's transaction: not ours to reconnect
        try:
            connection.close()
            connection.ensure_connection()
        except DatabaseError:
            if not self._unreachable:
                logger.error("The API log database cannot be reached; rows wait in the buffer")
            self._unreachable = True
            return True
        return False

    def _write(self, rows: list[dict]) -> list[dict]:
        """Writes rows; returns those to try again because the database was away."""
        on_thread = threading.current_thread() is self._thread
        prepared = []
        for row in rows:
            try:
                prepared.append(prepare(row))
            except Exception as error:
                self._drop(row, error)
            if on_thread:
                # Hands the interpreter back to the request threads between rows,
                # so a long batch never keeps them waiting for the GIL.
                time.sleep(0)
        if not prepared:
            return []
        alias = _alias()
        if on_thread:
            connections[alias].close_if_unusable_or_obsolete()
        try:
            self._insert(alias, prepared)
        except Exception as error:
            if self._database_away(alias, error):
                return prepared
        else:
            self._written(len(prepared))
            return []
        # One value the cleaning did not foresee must not cost its neighbours.
        for index, row in enumerate(prepared):
            try:
                self._insert_one(alias, row)
            except Exception as error:
                if self._database_away(alias, error):
                    return prepared[index:]
                self._drop(row, error)
            else:
                self._written(1)
        return []

    def _written(self, count: int) -> None:
        self.written += count
        if self._unreachable:
            self._unreachable = False
            logger.warning("The API log database is reachable again")


writer = _Writer()
atexit.register(lambda: writer.stop())
# A forked child starts with an empty buffer of its own: the parent writes its rows.
os.register_at_fork(after_in_child=lambda: writer._reset())


def record(request, response, duration_ms: float, request_body: str) -> None:
    user = getattr(request, "user", None)
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    # The response is cleaned by the writer, off the request's path: here only
    # a reference to its bytes is kept, when they are small enough to clean.
    captured = None
    if not getattr(response, "streaming", False):
        content = response.content
        captured = (
            content if len(content) <= CAPTURE_LIMIT else None,
            response.get("Content-Type", ""),
            len(content),
        )
    writer.add(
        {
            "created_at": datetime.now(tz=UTC),
            "method": request.method,
            "path": request.path,
            "query": redact(request.META.get("QUERY_STRING", "")),
            "status_code": response.status_code,
            "duration_ms": round(duration_ms, 3),
            "user_id": user_id,
            "ip": getattr(request, "client_ip", None),
            "request_id": getattr(request, "request_id", ""),
            "user_agent": request.headers.get("User-Agent", ""),
            "request_body": request_body,
            "response": captured or (None, "", 0),
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
    if length > CAPTURE_LIMIT or not _is_text(_media_type(content_type)):
        return _by_size(length, content_type)
    return clean_body(request.body, content_type)
