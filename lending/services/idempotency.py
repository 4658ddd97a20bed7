"""Idempotency-Key handling for money-moving requests."""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction

from config.exceptions import Unprocessable
from lending.models import IdempotencyRecord

MAX_KEY_LENGTH = 255


def request_fingerprint(*, method: str, path: str, body) -> str:
    canonical = json.dumps(
        {"method": method, "path": path.rstrip("/"), "body": body},
        sort_keys=True,
        default=str,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(record: IdempotencyRecord, request_hash: str) -> tuple[int, dict]:
    if record.request_hash != request_hash:
        raise Unprocessable("This Idempotency-Key was already used with a different request.")
    return record.response_status, record.response_body


def idempotent_call(
    *, user, key: str | None, request_hash: str, run: Callable[[], tuple[int, dict]]
) -> tuple[int, dict]:
    """Run `run` once per (user, key); a retry gets the first reply back.

    The key is claimed by inserting its row first, in the same transaction as
    the work: a concurrent request with the same key waits on the unique
    index, then finds the committed reply. A request that fails leaves no
    row, so the key can be used again.
    """
    if not key:
        with transaction.atomic():
            return run()
    for _ in range(2):
        existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if existing is not None:
            return _replay(existing, request_hash)
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, key=key, request_hash=request_hash
                )
                status, body = run()
                record.response_status, record.response_body = status, body
                record.save(update_fields=["response_status", "response_body"])
                return status, body
        except IntegrityError:
            if not IdempotencyRecord.objects.filter(user=user, key=key).exists():
                raise
    raise Unprocessable("This Idempotency-Key is in use by another request.")
