"""`Idempotency-Key` for money-moving requests.

A key is claimed by inserting its record (committed at once, so every other
request sees it); the work then runs in one transaction that also stores the
reply on the record. So either the money moved and the reply is kept, or
neither happened. A retry with the same key and body gets the kept reply; the
same key with another body is refused (422); a key whose first request is
still running answers 409. A claim left behind by a crashed process (its work
rolled back with it) can be taken over once its lease has run out.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from idempotency.errors import IdempotencyKeyInFlight, IdempotencyKeyReused
from idempotency.models import IdempotencyRecord

MAX_KEY_LENGTH = 255
# Clients retry for up to a day; forgetting a key sooner would let a retry pay twice.
MIN_RETENTION = timedelta(hours=24)
KEY_NAMESPACE = uuid.UUID("6f1d3c2a-9a53-4d7e-8f59-2a3e5d0c7b11")


def retention() -> timedelta:
    hours = settings.IDEMPOTENCY_RETENTION_HOURS
    return max(timedelta(hours=hours), MIN_RETENTION)


def lease() -> timedelta:
    return timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS)


def request_fingerprint(*, method: str, path: str, body) -> str:
    canonical = json.dumps(
        {"method": method.upper(), "path": path.rstrip("/"), "body": body},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def key_reference(*, record: IdempotencyRecord) -> uuid.UUID:
    """The reference (of a payment, a refund) a claimed key stands for.

    The same on every retry and on a takeover of the claim, so a provider that
    already saw it knows the request again; the record's id is part of it, so a
    key used again after it was forgotten stands for something new.
    """
    return uuid.uuid5(KEY_NAMESPACE, f"{record.user_id}:{record.key}:{record.pk}")


@dataclass(frozen=True)
class Claim:
    record: IdempotencyRecord
    replay: bool  # True: the key already has its reply, in `record`


def idempotency_claim(*, user_id: int, key: str, fingerprint: str, path: str = "") -> Claim:
    """Claim `key` for a new request, or return its kept reply.

    Raises IdempotencyKeyReused for another body, IdempotencyKeyInFlight while
    the first request runs. Call outside a transaction, so the claim is seen.
    """
    for _ in range(3):
        now = timezone.now()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user_id=user_id,
                    key=key,
                    path=path[:255],
                    fingerprint=fingerprint,
                    locked_at=now,
                )
            return Claim(record=record, replay=False)
        except IntegrityError:
            record = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
        if record is None:
            continue  # its first request failed and let it go: claim it afresh
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if record.status_code is not None:
            return Claim(record=record, replay=True)
        if record.locked_at <= now - lease():
            token = uuid.uuid4()
            taken = IdempotencyRecord.objects.filter(
                pk=record.pk, status_code__isnull=True, lock_token=record.lock_token
            ).update(lock_token=token, locked_at=now)
            if taken:
                record.lock_token, record.locked_at = token, now
                return Claim(record=record, replay=False)
        raise IdempotencyKeyInFlight()
    raise IdempotencyKeyInFlight()


def idempotency_complete(*, record: IdempotencyRecord, status_code: int, body) -> bool:
    """Keep the reply, inside the transaction of the work it reports. False: the claim was lost."""
    return bool(
        IdempotencyRecord.objects.filter(
            pk=record.pk, status_code__isnull=True, lock_token=record.lock_token
        ).update(status_code=status_code, response_body=body, completed_at=timezone.now())
    )


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """Let the key go after a failure that moved nothing, so a retry can run."""
    IdempotencyRecord.objects.filter(
        pk=record.pk, status_code__isnull=True, lock_token=record.lock_token
    ).delete()


def idempotency_purge(*, now: datetime | None = None) -> int:
    """Forget keys past their retention (at least 24 hours)."""
    cutoff = (now or timezone.now()) - retention()
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
