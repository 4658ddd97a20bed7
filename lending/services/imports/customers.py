"""CSV import of customers: every row checked, the valid ones saved at once.

The database is never asked about one row at a time: one pass checks every
row, then two queries fetch which of the rows' codes and phones exist
already, and the new rows stream to the database (COPY on PostgreSQL).
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from config.exceptions import Conflict
from lending.models import Customer, ImportBatch, ImportKind
from lending.rules import (
    CUSTOMER_CODE_MESSAGE,
    CUSTOMER_CODE_RE,
    DATE_MESSAGE,
    EMAIL_MESSAGE,
    PHONE_MESSAGE,
    PINCODE_MESSAGE,
    PINCODE_RE,
    customer_codes_generate,
    date_of_birth_problem,
    email_is_valid,
    iso_date_parse,
    phone_normalize,
)
from lending.selectors import assignable_officers, default_officer, may_leave_unassigned
from lending.selectors.batches import lookup_batches
from lending.services.imports.batch import import_batch_record, import_job_lock
from lending.services.imports.loader import row_sink
from lending.services.imports.report import (
    ImportReport,
    Progress,
    Table,
    Upload,
    rows_reporting,
    table_read,
    upload_read,
)

REQUIRED = ("name", "phone")
OPTIONAL = (
    "customer_code",
    "email",
    "address_line_1",
    "address_line_2",
    "city",
    "state",
    "pincode",
    "date_of_birth",
    "assigned_collection_officer",
)
TEXT_LIMITS = (("address_line_1", 255), ("address_line_2", 255), ("city", 100), ("state", 100))
COLUMNS = (
    "customer_code",
    "name",
    "phone",
    "email",
    "assigned_collection_officer_id",
    "address_line_1",
    "address_line_2",
    "city",
    "state",
    "pincode",
    "date_of_birth",
    "created_by_id",
    "created_at",
    "updated_at",
)
# Serialises customer imports, so two uploads of one file cannot both pass
# the duplicate check before either has saved.
_IMPORT_LOCK_ID = 0x4C43494D  # "LCIM"


def _existing(field_name: str, values) -> set[str]:
    found: set[str] = set()
    for batch in lookup_batches(field_name, list(values)):
        found.update(Customer.objects.filter(batch).values_list(field_name, flat=True))
    return found


def _new_codes(count: int, *, taken: set[str]) -> list[str]:
    """`count` generated codes, none in `taken` nor in the database, in ascending order.

    Random codes saved in random order scatter inserts across the unique
    index; handing them out sorted makes the index fill in order.
    """
    codes: list[str] = []
    while len(codes) < count:
        candidates = {
            code for code in customer_codes_generate(count - len(codes)) if code not in taken
        }
        for code in candidates - _existing("customer_code", candidates):
            codes.append(code)
            taken.add(code)
    codes.sort()
    return codes


def _date_of_birth(text: str, today: date) -> tuple[date | None, str | None]:
    try:
        value = iso_date_parse(text)
    except ValueError:
        return None, DATE_MESSAGE
    return value, date_of_birth_problem(value, today)


def _phone_or_blank(value: str) -> str:
    """The E.164 form, or "" when the number is missing or invalid."""
    if not value:
        return ""
    try:
        return phone_normalize(value)
    except ValidationError:
        return ""


@dataclass(frozen=True)
class _Columns:
    """Where each known column sits in the file (None when absent)."""

    code: int | None
    name: int
    phone: int
    email: int | None
    pincode: int | None
    dob: int | None
    officer: int | None
    texts: tuple[tuple[str, int | None, int], ...]

    @classmethod
    def of(cls, table: Table) -> "_Columns":
        col = table.columns
        return cls(
            code=col.get("customer_code"),
            name=col["name"],
            phone=col["phone"],
            email=col.get("email"),
            pincode=col.get("pincode"),
            dob=col.get("date_of_birth"),
            officer=col.get("assigned_collection_officer"),
            texts=tuple((name, col.get(name), limit) for name, limit in TEXT_LIMITS),
        )


def _officer_lookup(actor) -> dict[str, int]:
    """Officers the uploader may assign, by id and by login id."""
    lookup = {}
    for pk, username in assignable_officers(actor).values_list("pk", "username"):
        lookup[str(pk)] = pk
        if username:
            lookup[username.lower()] = pk
    return lookup


def customers_import(*, actor, upload, dry_run: bool = False) -> ImportReport:
    """Check every row of a customers CSV and save the valid, new ones.

    A row is skipped, not reported, when its customer_code exists already
    or, for a row without a code, when a customer has its phone number: so
    uploading the same file twice adds nothing the second time.
    """
    return customers_import_file(actor=actor, file=upload_read(upload), dry_run=dry_run)


def customers_import_file(
    *,
    actor,
    file: Upload,
    dry_run: bool = False,
    job: ImportBatch | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """`customers_import` of a file read already; a queued `job` is finished with it.

    The rows are checked outside the transaction, so the progress a job
    saves meanwhile is seen by whoever polls it; only what depends on the
    customers saved already (the duplicates and the new codes) is decided
    under the lock, in the transaction that saves the rows.
    """
    table = table_read(file.text, required=REQUIRED, optional=OPTIONAL)
    report = ImportReport(dry_run=dry_run)
    rows = rows_reporting(table.rows, progress, settings.IMPORT_PROGRESS_ROWS)
    candidates = _check(actor, table, rows, report)
    for attempt in range(2):
        try:
            with transaction.atomic():
                if job is not None:
                    import_job_lock(job=job)
                _save(actor, candidates, report)
                if job is not None or not dry_run:
                    import_batch_record(
                        kind=ImportKind.CUSTOMERS,
                        action="lending.customers_imported",
                        actor=actor,
                        file=file,
                        report=report,
                        job=job,
                    )
                return report
        except IntegrityError as exc:
            # A customer with one of the file's codes was created between the
            # duplicate check and the save: going again skips it.
            if attempt or "customer_code" not in str(exc):
                raise Conflict(
                    "Customers changed during the import; upload the file again."
                ) from exc
    raise AssertionError("unreachable")


# A row that passed every check: its code ("" for a generated one), its phone,
# and the rest of its columns in COLUMNS order after the code.
_Candidate = tuple[str, str, tuple]


def _check(actor, table: Table, rows, report: ImportReport) -> list[_Candidate]:
    """Every row checked on its own and against the rows before it; the errors go to `report`."""
    c = _Columns.of(table)
    width = table.width
    officers = _officer_lookup(actor) if c.officer is not None else {}
    default = default_officer(actor)
    default_officer_id = default.pk if default else None
    officer_required = default is None and not may_leave_unassigned(actor)
    today = timezone.localdate()
    add_error = report.add_error
    code_rows: dict[str, int] = {}
    phone_rows: dict[str, int] = {}
    # Birthdays repeat across a large file; each distinct one is checked once.
    birthdays: dict[str, tuple[date | None, str | None]] = {}
    candidates: list[_Candidate] = []
    append = candidates.append

    for number, cells in rows:
        report.rows_total += 1
        if len(cells) != width:
            add_error(number, "", f"Expected {width} fields, found {len(cells)}.")
            continue
        bad = False

        code = cells[c.code].strip() if c.code is not None else ""
        if code and not CUSTOMER_CODE_RE.fullmatch(code):
            add_error(number, "customer_code", CUSTOMER_CODE_MESSAGE)
            bad = True

        name = cells[c.name].strip()
        if not name:
            add_error(number, "name", "This field is required.")
            bad = True
        elif len(name) > 200:
            add_error(number, "name", "Use at most 200 characters.")
            bad = True

        phone = _phone_or_blank(cells[c.phone].strip())
        if not phone:
            message = PHONE_MESSAGE if cells[c.phone].strip() else "This field is required."
            add_error(number, "phone", message)
            bad = True

        email = cells[c.email].strip().lower() if c.email is not None else ""
        if email and (len(email) > 254 or not email_is_valid(email)):
            add_error(number, "email", EMAIL_MESSAGE)
            bad = True

        pincode = cells[c.pincode].strip() if c.pincode is not None else ""
        if pincode and not PINCODE_RE.fullmatch(pincode):
            add_error(number, "pincode", PINCODE_MESSAGE)
            bad = True

        dob = None
        raw_dob = cells[c.dob].strip() if c.dob is not None else ""
        if raw_dob:
            checked = birthdays.get(raw_dob)
            if checked is None:
                checked = birthdays[raw_dob] = _date_of_birth(raw_dob, today)
            dob, problem = checked
            if problem:
                add_error(number, "date_of_birth", problem)
                bad = True

        officer_id = default_officer_id
        raw_officer = cells[c.officer].strip().lower() if c.officer is not None else ""
        if raw_officer:
            officer_id = officers.get(raw_officer)
            if officer_id is None:
                add_error(
                    number,
                    "assigned_collection_officer",
                    "No officer you may assign has this id or login id.",
                )
                bad = True
        elif officer_required:
            add_error(number, "assigned_collection_officer", "This field is required.")
            bad = True

        address = []
        for column, index, limit in c.texts:
            value = cells[index].strip() if index is not None else ""
            if len(value) > limit:
                add_error(number, column, f"Use at most {limit} characters.")
                bad = True
            address.append(value)
        if bad:
            continue

        # Of two rows with one code (or, without a code, one phone) the
        # first wins and the second is reported.
        if code:
            if code in code_rows:
                add_error(number, "customer_code", f"Same customer_code as row {code_rows[code]}.")
                continue
            code_rows[code] = number
        else:
            if phone in phone_rows:
                add_error(number, "phone", f"Same phone as row {phone_rows[phone]}.")
                continue
            phone_rows[phone] = number
        append((code, phone, (name, phone, email, officer_id, *address, pincode, dob)))
    return candidates


def _save(actor, candidates: list[_Candidate], report: ImportReport) -> None:
    """Skips the rows saved before and saves the others (the database is asked once per column).

    Runs again from the start when the first attempt's transaction fails, so
    it sets the report's counts rather than adding to them.
    """
    dry_run = report.dry_run
    if not dry_run and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK_ID])
    given_codes = {code for code, _, _ in candidates if code}
    existing_codes = _existing("customer_code", given_codes)
    existing_phones = _existing("phone", {phone for code, phone, _ in candidates if not code})
    fresh = [
        (code, values)
        for code, phone, values in candidates
        if (code not in existing_codes if code else phone not in existing_phones)
    ]
    report.records_skipped = len(candidates) - len(fresh)
    report.records_valid = len(fresh)
    needed = 0 if dry_run else sum(1 for code, _ in fresh if not code)
    generated = iter(_new_codes(needed, taken=given_codes))
    now = timezone.now()
    actor_id = actor.pk
    with row_sink(Customer, COLUMNS, discard=dry_run) as sink:
        write = sink.write
        for code, values in fresh:
            write((code or next(generated, ""), *values, actor_id, now, now))
    report.records_created = sink.count
