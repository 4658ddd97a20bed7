"""Reading an uploaded CSV file, and the report an import answers with."""

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from lending.services.imports.limits import max_bytes, size_check

# A file full of bad rows would otherwise make a reply as large as the file.
MAX_REPORTED_ERRORS = 1000

# Called with the number of rows read so far, every so many rows.
Progress = Callable[[int], None]


@dataclass
class ImportReport:
    dry_run: bool
    rows_total: int = 0
    records_valid: int = 0
    records_created: int = 0
    records_skipped: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)
    batch_id: int | None = None

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "column": column, "message": message})

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)


@dataclass
class Upload:
    name: str
    size: int
    sha256: str
    text: str
    raw: bytes = field(repr=False)


def upload_read(upload) -> Upload:
    """The uploaded file as text, refused when too large or not UTF-8."""
    if upload is None:
        raise ValidationError({"file": ["No file provided."]})
    size_check(upload.size)
    # The row count has read the file once already.
    upload.seek(0)
    raw = upload.read(max_bytes() + 1)
    size_check(len(raw))
    return upload_decode(raw, name=getattr(upload, "name", "") or "")


def upload_decode(raw: bytes, *, name: str) -> Upload:
    """A file's bytes as text, refused when not UTF-8."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": ["The file must be CSV text encoded as UTF-8."]}) from exc
    return Upload(
        name=name[:255],
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
        raw=raw,
    )


@dataclass
class Table:
    columns: dict[str, int]
    width: int
    rows: Iterator[tuple[int, list[str]]]


def table_read(text: str, *, required: Sequence[str], optional: Sequence[str]) -> Table:
    """The header's columns and an iterator of the rows as (row number, cells).

    Row numbers count the header as row 1, as a spreadsheet shows them.
    Blank lines are passed over; unknown columns are ignored.
    """
    if "\x00" in text:
        raise ValidationError({"file": ["The file contains NUL characters; it is not CSV text."]})
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ValidationError({"file": ["The file is not valid CSV."]}) from exc
    if not header or not any(cell.strip() for cell in header):
        raise ValidationError({"file": ["The file is empty; the first row must name the columns."]})
    names = [cell.strip().lower() for cell in header]
    known = set(required) | set(optional)
    duplicated = sorted({n for n in names if n in known and names.count(n) > 1})
    if duplicated:
        raise ValidationError({"file": [f"Columns named twice: {', '.join(duplicated)}."]})
    missing = [name for name in required if name not in names]
    if missing:
        raise ValidationError({"file": [f"Missing columns: {', '.join(missing)}."]})
    columns = {name: index for index, name in enumerate(names) if name in known}

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, cells in enumerate(reader, 2):
                if any(cells):
                    yield number, cells
        except csv.Error as exc:
            raise ValidationError(
                {"file": [f"Line {reader.line_num} is not valid CSV: {exc}."]}
            ) from exc

    return Table(columns=columns, width=len(names), rows=rows())


def rows_reporting(
    rows: Iterable[tuple[int, list[str]]], progress: Progress | None, every: int
) -> Iterable[tuple[int, list[str]]]:
    """`rows` as they are, telling `progress` how many have been read every `every` rows."""
    if progress is None:
        return rows

    def reporting() -> Iterator[tuple[int, list[str]]]:
        done = 0
        for row in rows:
            yield row
            done += 1
            if done % every == 0:
                progress(done)
        if done % every:
            progress(done)

    return reporting()
