"""Refreshing the IFSC directory from the published dataset, in one transaction.

Lookups never see a half-loaded directory: the upsert and the removal of branches
the new file no longer lists commit together. A file far smaller than the
directory it replaces is refused unless the caller allows it, so a truncated
download cannot wipe out the branches that bank KYC depends on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.utils import timezone

from audit.services import audit_record
from kyc.ifsc_source import BranchRow, SourceError
from kyc.models import IfscBranch

# A refresh may drop at most this share of the branches already loaded.
MAX_SHRINK = 0.2


@dataclass(frozen=True)
class RefreshResult:
    total: int
    created: int
    updated: int
    removed: int
    # Rows the source gave no bank name; they carry their bank's other name or its code.
    unnamed: int


def _named_rows(rows: Iterable[BranchRow]) -> tuple[dict[str, BranchRow], int]:
    """Rows by code (the last of a repeated code wins), each with a bank name.

    The published data leaves the bank name out of a few rows; the name the other
    branches of the same bank carry stands in, or else the bank's four-letter code,
    since the branch itself is real. Also returns how many had no name of their own.
    """
    by_code = {row.ifsc: row for row in rows}
    names: dict[str, Counter] = {}
    for row in by_code.values():
        if row.bank:
            names.setdefault(row.ifsc[:4], Counter())[row.bank] += 1
    unnamed = 0
    for code, row in by_code.items():
        if not row.bank:
            unnamed += 1
            known = names.get(code[:4])
            bank = known.most_common(1)[0][0] if known else code[:4]
            by_code[code] = BranchRow(**{**asdict(row), "bank": bank})
    return by_code, unnamed


_COLUMNS = [f.name for f in IfscBranch._meta.concrete_fields]


def _upsert_copy(named: dict[str, BranchRow], refreshed_at, on_progress, batch_size) -> int:
    """PostgreSQL: COPY into a temporary table, then one INSERT ... ON CONFLICT.

    Returns how many branches were inserted or changed."""
    table = IfscBranch._meta.db_table
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    quoted = [connection.ops.quote_name(c) for c in _COLUMNS if c not in ("ifsc", "refreshed_at")]
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*quoted, '"refreshed_at"'])
    # Unchanged branches are not rewritten, so a refresh that changes nothing writes nothing.
    changed = f"({', '.join(f'{table}.{c}' for c in quoted)}) IS DISTINCT FROM " + (
        f"({', '.join(f'EXCLUDED.{c}' for c in quoted)})"
    )
    with connection.cursor() as cursor:
        # Dropped by hand as well: inside an outer transaction "ON COMMIT" may come late.
        cursor.execute("DROP TABLE IF EXISTS ifsc_incoming")
        cursor.execute(
            f"CREATE TEMPORARY TABLE ifsc_incoming (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        with cursor.cursor.copy(f"COPY ifsc_incoming ({columns}) FROM STDIN") as copy:
            for done, row in enumerate(named.values(), start=1):
                values = {**asdict(row), "bank_code": row.ifsc[:4], "refreshed_at": refreshed_at}
                copy.write_row([values[c] for c in _COLUMNS])
                if on_progress is not None and done % batch_size == 0:
                    on_progress(batch_size)
        # Identifiers only, all from the model's own metadata: nothing from the source file.
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM ifsc_incoming "  # noqa: S608
            f"ON CONFLICT (ifsc) DO UPDATE SET {updates} WHERE {changed}"
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE ifsc_incoming")
    if on_progress is not None:
        on_progress(len(named) % batch_size)
    return written


def _upsert_batches(named: dict[str, BranchRow], refreshed_at, on_progress, batch_size) -> int:
    fields = [c for c in _COLUMNS if c != "ifsc"]
    codes = list(named)
    for start in range(0, len(codes), batch_size):
        batch = [
            IfscBranch(**asdict(named[code]), bank_code=code[:4], refreshed_at=refreshed_at)
            for code in codes[start : start + batch_size]
        ]
        IfscBranch.objects.bulk_create(
            batch, update_conflicts=True, unique_fields=["ifsc"], update_fields=fields
        )
        if on_progress is not None:
            on_progress(len(batch))
    return len(codes)


def ifsc_directory_refresh(
    *,
    rows: Iterable[BranchRow],
    source: str,
    actor=None,
    allow_shrink: bool = False,
    batch_size: int = 5000,
    on_progress: Callable[[int], None] | None = None,
) -> RefreshResult:
    """Make the directory hold exactly the branches of `rows`."""
    named, unnamed = _named_rows(rows)
    if not named:
        raise SourceError(f"{source}: lists no branch")
    refreshed_at = timezone.now()
    upsert = _upsert_copy if connection.vendor == "postgresql" else _upsert_batches
    with transaction.atomic():
        existing = set(IfscBranch.objects.values_list("ifsc", flat=True))
        stale = sorted(existing - named.keys())
        if existing and len(stale) > len(existing) * MAX_SHRINK and not allow_shrink:
            raise SourceError(
                f"{source} would remove {len(stale)} of the {len(existing)} branches in the "
                "directory; refusing (allow it explicitly if the source is right)"
            )
        written = upsert(named, refreshed_at, on_progress, batch_size)
        created = len(named.keys() - existing)
        removed = 0
        for start in range(0, len(stale), batch_size):
            removed += IfscBranch.objects.filter(
                ifsc__in=stale[start : start + batch_size]
            ).delete()[0]
        result = RefreshResult(
            total=len(named),
            created=created,
            updated=written - created,
            removed=removed,
            unnamed=unnamed,
        )
        audit_record(
            action="kyc.ifsc_directory_refreshed",
            actor=actor,
            target_type="kyc.ifscbranch",
            description=f"IFSC directory refreshed from {source}",
            after={"source": source, **asdict(result)},
        )
    return result
