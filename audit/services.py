"""Writing the audit trail. Every change that matters calls `audit_record`."""

import time

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from audit import context as request_context
from audit.chain import GENESIS, HASHED_FIELDS, event_digest, json_safe
from audit.models import AuditEvent
from config.logging import redact_mapping

# Arbitrary constant naming the advisory lock that serialises the sealer.
_CHAIN_LOCK_ID = 0x41554454  # "AUDT"
SEAL_BATCH = 1000


def _lock_chain(*, wait: bool = True) -> bool:
    """Serialise sealers until the surrounding transaction ends.

    Only the sealer takes this lock: audited transactions never wait on it.
    On SQLite, write transactions are serialised already.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
        return cursor.fetchone()[0]


def audit_record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    description: str = "",
    before: dict | None = None,
    after: dict | None = None,
    context: request_context.RequestContext | None = None,
) -> AuditEvent:
    """Append one event to the audit trail, inside the caller's transaction.

    `before` and `after` are redacted of secrets whatever the caller passes.
    IP, user agent and request id come from the current request unless given.
    The event is sealed into the hash chain once the transaction commits.
    """
    ctx = context or request_context.current()
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
    actor_pk = getattr(actor, "pk", None)
    event = AuditEvent.objects.create(
        created_at=timezone.now(),
        actor_id=actor_pk,
        actor_label=str(actor)[:255] if actor_pk is not None else "",
        action=action,
        target_type=target_type,
        target_id="" if target_id in (None, "") else str(target_id),
        description=description,
        before=json_safe(redact_mapping(before)),
        after=json_safe(redact_mapping(after)),
        ip=ctx.ip,
        user_agent=ctx.user_agent,
        request_id=ctx.request_id,
    )
    transaction.on_commit(_seal_after_commit, robust=True)
    return event


_last_seal = 0.0


def _seal_after_commit() -> None:
    """Seal soon after commit, at most once per `AUDIT_SEAL_INTERVAL` seconds per process.

    Under load one sealing pass covers the events of many transactions, which
    keeps its cost off each of them. What a pass leaves behind (a busy sealer,
    the end of a burst) is sealed by the next pass or the periodic job.
    """
    global _last_seal
    interval = getattr(settings, "AUDIT_SEAL_INTERVAL", 1.0)
    now = time.monotonic()
    if interval and now - _last_seal < interval:
        return
    _last_seal = now
    audit_seal(wait=False)


def audit_seal(*, wait: bool = True) -> int:
    """Give every committed, unsealed event its place in the chain; returns how many.

    Events are sealed in the order of their ids, each linked to the hash of
    the one before. With `wait` off, a sealer already at work is left to it.
    """
    from audit.models import AuditChainAnchor

    sealed = 0
    while True:
        with transaction.atomic():
            if not _lock_chain(wait=wait):
                return sealed
            tail = (
                AuditEvent.objects.filter(sequence__isnull=False)
                .order_by("-sequence")
                .values("sequence", "hash")
                .first()
            )
            if tail is None:
                anchor = AuditChainAnchor.objects.order_by("-sequence").first()
                tail = {"sequence": anchor.sequence, "hash": anchor.hash} if anchor else None
            sequence = tail["sequence"] if tail else 0
            prev_hash = tail["hash"] if tail else GENESIS
            rows = list(
                AuditEvent.objects.filter(hash__isnull=True)
                .order_by("id")
                .values("id", *[f for f in HASHED_FIELDS if f != "sequence"])[:SEAL_BATCH]
            )
            if not rows:
                return sealed
            updates = []
            for row in rows:
                sequence += 1
                row["sequence"] = sequence
                digest = event_digest(row, prev_hash)
                updates.append((sequence, prev_hash, digest, row["id"]))
                prev_hash = digest
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE audit_auditevent SET sequence = %s, prev_hash = %s, hash = %s "
                    "WHERE id = %s AND hash IS NULL",
                    updates,
                )
            sealed += len(updates)
            if len(rows) < SEAL_BATCH:
                return sealed


def audit_prune(*, before) -> int:
    """Apply the retention policy: remove events older than `before`, keep the chain checkable.

    The last removed event's sequence and hash become an anchor from which
    verification resumes. Only this function may delete audit rows: it sets
    the database flag the append-only trigger honours, for its own transaction.
    """
    from audit.models import AuditChainAnchor

    audit_seal()
    with transaction.atomic():
        _lock_chain()
        old = AuditEvent.objects.filter(created_at__lt=before, sequence__isnull=False)
        last = old.order_by("-sequence").values("sequence", "hash").first()
        if last is None:
            return 0
        # Everything up to that sequence goes, so the chain stays one unbroken run.
        doomed = AuditEvent.objects.filter(sequence__lte=last["sequence"])
        count = doomed.count()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL audit.allow_prune = 'on'")
        models.QuerySet.delete(doomed)  # the append-only queryset refuses; retention may
        AuditChainAnchor.objects.create(
            sequence=last["sequence"], hash=last["hash"], pruned_count=count
        )
        audit_record(
            action="audit.pruned",
            description=f"Retention removed {count} events up to #{last['sequence']}.",
            after={"up_to_sequence": last["sequence"], "removed": count},
        )
    return count


def request_log_prune(*, before) -> int:
    from audit.models import ApiRequestLog

    deleted, _ = ApiRequestLog.objects.filter(created_at__lt=before).delete()
    return deleted
