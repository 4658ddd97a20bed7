"""The keyed hash chain over audit events, and its verification."""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings

GENESIS = "0" * 64
HASHED_FIELDS = (
    "sequence",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "description",
    "before",
    "after",
    "ip",
    "user_agent",
    "request_id",
)


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def json_safe(value):
    """The value as it will read back from a JSON column, so hashes match after a round trip."""
    return None if value is None else json.loads(canonical_json(value))


def event_digest(fields: dict, prev_hash: str) -> str:
    content = {name: fields.get(name) for name in HASHED_FIELDS}
    content["created_at"] = fields["created_at"].astimezone(UTC).isoformat()
    content["actor_id"] = None if content["actor_id"] is None else str(content["actor_id"])
    message = f"{prev_hash}|{canonical_json(content)}".encode()
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(queryset=None, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole chain in order; report the first row that does not fit."""
    from audit.models import AuditChainAnchor, AuditEvent

    events = queryset if queryset is not None else AuditEvent.objects.all()
    # Events not sealed yet have no place in the chain to check.
    rows = events.filter(sequence__isnull=False).order_by("sequence")
    values = rows.values("hash", "prev_hash", *HASHED_FIELDS)
    expected_prev, expected_sequence, checked = GENESIS, 1, 0
    anchor = AuditChainAnchor.objects.order_by("-sequence").first()
    if anchor is not None:
        expected_prev, expected_sequence = anchor.hash, anchor.sequence + 1
    for row in values.iterator(chunk_size=chunk_size):
        sequence = row["sequence"]
        if sequence != expected_sequence:
            return ChainReport(checked, sequence, f"sequence gap: expected {expected_sequence}")
        if row["prev_hash"] != expected_prev:
            return ChainReport(checked, sequence, "link to the previous event does not match")
        if not hmac.compare_digest(event_digest(row, row["prev_hash"]), row["hash"]):
            return ChainReport(checked, sequence, "content does not match its hash")
        expected_prev, expected_sequence, checked = row["hash"], sequence + 1, checked + 1
    return ChainReport(checked)
