"""Writing the audit trail. Every change that matters calls `audit_record`."""

from django.db import connection, models, transaction
from django.utils import timezone

from audit import context as request_context
from audit.chain import GENESIS, event_digest, json_safe
from audit.models import AuditEvent
from config.logging import redact_mapping

# Arbitrary constant naming the advisory lock that serialises the chain.
_CHAIN_LOCK_ID = 0x41554454  # "AUDT"


def _lock_chain() -> None:
    """Serialise writers of the chain until the surrounding transaction ends.

    Each event links to the one before it, so two transactions must not both
    read the same tail. On PostgreSQL a transaction-scoped advisory lock does
    this; SQLite already serialises write transactions.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])


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
    """
    ctx = context or request_context.current()
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
    actor_pk = getattr(actor, "pk", None)
    fields = {
        "created_at": timezone.now(),
        "actor_id": actor_pk,
        "actor_label": str(actor)[:255] if actor_pk is not None else "",
        "action": action,
        "target_type": target_type,
        "target_id": "" if target_id in (None, "") else str(target_id),
        "description": description,
        "before": json_safe(redact_mapping(before)),
        "after": json_safe(redact_mapping(after)),
        "ip": ctx.ip,
        "user_agent": ctx.user_agent,
        "request_id": ctx.request_id,
    }
    # No savepoint: an event belongs to its caller's transaction, and the two
    # round trips of a savepoint would sit inside the chain's critical section.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        tail = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
        fields["sequence"] = tail["sequence"] + 1 if tail else 1
        prev_hash = tail["hash"] if tail else GENESIS
        return AuditEvent.objects.create(
            **fields, prev_hash=prev_hash, hash=event_digest(fields, prev_hash)
        )


def audit_prune(*, before) -> int:
    """Apply the retention policy: remove events older than `before`, keep the chain checkable.

    The last removed event's sequence and hash become an anchor from which
    verification resumes. Only this function may delete audit rows: it sets
    the database flag the append-only trigger honours, for its own transaction.
    """
    from audit.models import AuditChainAnchor

    with transaction.atomic():
        _lock_chain()
        old = AuditEvent.objects.filter(created_at__lt=before)
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
