"""CSV import of field and calling interactions."""

import hashlib
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from lending.models import Disposition, ImportBatch, ImportKind, Interaction, InteractionType
from lending.rules import DATE_MESSAGE, iso_date_parse
from lending.selectors import loans_for
from lending.selectors.batches import lookup_batches
from lending.services.imports.batch import import_batch_record, import_job_lock
from lending.services.imports.loader import row_sink
from lending.services.imports.report import (
    ImportReport,
    Progress,
    Upload,
    rows_reporting,
    table_read,
    upload_read,
)
from lending.services.interactions import loans_follow_up_refresh

REQUIRED = ("loan_id", "disposition")
OPTIONAL = (
    "comment",
    "next_call_date",
    "interaction_type",
    "promise_amount",
    "promise_date",
    "timestamp",
)
MAX_COMMENT = 5000
COLUMNS = (
    "loan_id",
    "interaction_type",
    "disposition",
    "comment",
    "next_call_date",
    "promise_amount",
    "promise_date",
    "created_by_id",
    "timestamp",
    "updated_at",
    "import_key",
)
_DISPOSITIONS = frozenset(Disposition.values)
_TYPES = frozenset(InteractionType.values)
_CENT = Decimal("0.01")
_MAX_AMOUNT = Decimal("999999999999.99")
# Serialises interaction imports, so the same rows uploaded twice at once are saved once.
_IMPORT_LOCK_ID = 0x4C49494D  # "LIIM"


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None else ""


def _timestamp(text: str, now: datetime) -> datetime:
    value = datetime.fromisoformat(text)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now:
        raise ValueError("The timestamp cannot be in the future.")
    return value


def interactions_import(*, actor, upload, dry_run: bool = False) -> ImportReport:
    """Check every row of an interactions CSV and save the valid, new ones.

    Each saved row keeps a fingerprint of its values, the uploader and its
    day (the `timestamp` column, or the day of the upload); a row whose
    fingerprint exists already is skipped, so uploading a file again the same
    day adds nothing.
    """
    return interactions_import_file(actor=actor, file=upload_read(upload), dry_run=dry_run)


def interactions_import_file(
    *,
    actor,
    file: Upload,
    dry_run: bool = False,
    job: ImportBatch | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """`interactions_import` of a file read already; a queued `job` is finished with it.

    The rows are checked outside the transaction, so the progress a job
    saves meanwhile is seen by whoever polls it.
    """
    table = table_read(file.text, required=REQUIRED, optional=OPTIONAL)
    report = ImportReport(dry_run=dry_run)
    col = table.columns
    i_loan, i_disp = col["loan_id"], col["disposition"]
    i_comment, i_next = col.get("comment"), col.get("next_call_date")
    i_type, i_amount, i_pdate = (
        col.get("interaction_type"),
        col.get("promise_amount"),
        col.get("promise_date"),
    )
    i_time = col.get("timestamp")
    now = timezone.now()
    today_text = timezone.localdate().isoformat()
    add_error = report.add_error

    parsed: list[tuple] = []
    key_rows: dict[str, int] = {}
    for number, cells in rows_reporting(table.rows, progress, settings.IMPORT_PROGRESS_ROWS):
        report.rows_total += 1
        if len(cells) != table.width:
            add_error(number, "", f"Expected {table.width} fields, found {len(cells)}.")
            continue
        bad = False

        loan_text = _cell(cells, i_loan)
        is_id = loan_text.isascii() and loan_text.isdigit() and len(loan_text) <= 18
        loan_id = int(loan_text) if is_id else None
        if loan_id is None:
            add_error(number, "loan_id", "Enter the id of a loan.")
            bad = True

        disposition = _cell(cells, i_disp).lower()
        if disposition not in _DISPOSITIONS:
            add_error(number, "disposition", f"Use one of: {', '.join(Disposition.values)}.")
            bad = True

        kind = _cell(cells, i_type).lower() or InteractionType.FIELD
        if kind not in _TYPES:
            add_error(number, "interaction_type", "Use field or calling.")
            bad = True

        comment = _cell(cells, i_comment)
        if len(comment) > MAX_COMMENT:
            add_error(number, "comment", f"Use at most {MAX_COMMENT} characters.")
            bad = True

        dates = {}
        for column, index in (("next_call_date", i_next), ("promise_date", i_pdate)):
            text = _cell(cells, index)
            dates[column] = None
            if text:
                try:
                    dates[column] = iso_date_parse(text)
                except ValueError:
                    add_error(number, column, DATE_MESSAGE)
                    bad = True

        amount = None
        amount_text = _cell(cells, i_amount)
        if amount_text:
            try:
                amount = Decimal(amount_text)
                if not amount.is_finite() or amount <= 0 or amount > _MAX_AMOUNT:
                    raise InvalidOperation
                if amount != amount.quantize(_CENT):
                    raise InvalidOperation
            except InvalidOperation:
                add_error(number, "promise_amount", "Enter a positive amount with 2 decimals.")
                bad = True

        promised = disposition == Disposition.PROMISE_TO_PAY
        if promised:
            if not amount_text:
                add_error(number, "promise_amount", "Required for promise_to_pay.")
                bad = True
            if not _cell(cells, i_pdate):
                add_error(number, "promise_date", "Required for promise_to_pay.")
                bad = True
        else:
            for column, text in (
                ("promise_amount", amount_text),
                ("promise_date", _cell(cells, i_pdate)),
            ):
                if text:
                    add_error(number, column, "Only for the promise_to_pay disposition.")
                    bad = True

        stamp_text = _cell(cells, i_time)
        stamp = now
        if stamp_text:
            try:
                stamp = _timestamp(stamp_text, now)
            except ValueError as exc:
                message = str(exc) if "future" in str(exc) else "Enter an ISO 8601 date and time."
                add_error(number, "timestamp", message)
                bad = True
        if bad:
            continue

        amount = amount.quantize(_CENT) if amount is not None else None
        fingerprint = "|".join(
            str(part)
            for part in (
                actor.pk,
                loan_id,
                kind,
                disposition,
                comment,
                dates["next_call_date"] or "",
                amount or "",
                dates["promise_date"] or "",
                stamp.isoformat() if stamp_text else today_text,
            )
        )
        key = hashlib.sha256(fingerprint.encode()).hexdigest()
        if key in key_rows:
            add_error(
                number,
                "",
                f"Same as row {key_rows[key]}; add a timestamp column to tell them apart.",
            )
            continue
        key_rows[key] = number
        parsed.append(
            (
                number,
                loan_id,
                kind,
                disposition,
                comment,
                dates["next_call_date"],
                amount,
                dates["promise_date"],
                stamp,
                key,
            )
        )

    with transaction.atomic():
        if job is not None:
            import_job_lock(job=job)
        if not dry_run and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK_ID])
        loan_ids = sorted({row[1] for row in parsed})
        visible_ids: set[int] = set()
        for batch in lookup_batches("pk", loan_ids):
            visible_ids.update(loans_for(actor).filter(batch).values_list("pk", flat=True))
        known_keys: set[str] = set()
        for batch in lookup_batches("import_key", [row[-1] for row in parsed]):
            known_keys.update(
                Interaction.objects.filter(batch).values_list("import_key", flat=True)
            )
        fresh = []
        for row in parsed:
            if row[1] not in visible_ids:
                add_error(row[0], "loan_id", f"Loan {row[1]} does not exist.")
            elif row[-1] in known_keys:
                report.records_skipped += 1
            else:
                fresh.append(row)
        report.errors.sort(key=lambda error: error["row"])
        report.records_valid = len(fresh)
        if not dry_run:
            actor_id = actor.pk
            with row_sink(Interaction, COLUMNS) as sink:
                for row in fresh:
                    sink.write((*row[1:8], actor_id, row[8], now, row[9]))
            report.records_created = sink.count
            loans_follow_up_refresh({row[1] for row in fresh})
        if job is not None or not dry_run:
            import_batch_record(
                kind=ImportKind.INTERACTIONS,
                action="lending.interactions_imported",
                actor=actor,
                file=file,
                report=report,
                job=job,
            )
    return report
