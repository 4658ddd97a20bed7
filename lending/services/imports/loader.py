"""Writing many validated rows at once.

On PostgreSQL rows stream through COPY straight into the table, in blocks
of a few thousand, so the database saves them (indexes, constraints) on its
own core while the importer goes on checking the rows after them. Elsewhere
rows are collected and saved with `bulk_create` in batches.
"""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models

_FLUSH_ROWS = 2000
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (int, Decimal)):
        return str(value)
    raise TypeError(f"Cannot write {type(value).__name__} to COPY.")


class CopyTextMemo(dict):
    """COPY text of non-string values, computed once each (timestamps, ids and dates repeat)."""

    def __missing__(self, value):
        text = self[value] = copy_text(value)
        return text


def copy_line(row: tuple, memo: CopyTextMemo) -> str:
    """A row in PostgreSQL's COPY text format (without the newline).

    Most rows hold no character that needs escaping; they are joined as they
    are, after one scan of the joined line proves it.
    """
    line = "\t".join([v if v.__class__ is str else memo[v] for v in row])
    if (
        line.count("\t") == len(row) - 1
        and "\n" not in line
        and "\r" not in line
        and line.count("\\") == row.count(None)
    ):
        return line
    return "\t".join(map(copy_text, row))


class RowSink:
    """Receives rows (tuples in `columns` order) and saves them; `count` is how many."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        self.model = model
        self.columns = tuple(columns)
        self.count = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def write(self, row: tuple) -> None:
        raise NotImplementedError


class CopySink(RowSink):
    def __enter__(self):
        opts = self.model._meta
        quote = connection.ops.quote_name
        column_list = ", ".join(quote(opts.get_field(name).column) for name in self.columns)
        self._cursor = connection.cursor()
        self._copy_cm = self._cursor.cursor.copy(
            f"COPY {quote(opts.db_table)} ({column_list}) FROM STDIN"
        )
        self._copy = self._copy_cm.__enter__()
        self._lines: list[str] = []
        self._memo = CopyTextMemo()
        return self

    def write(self, row: tuple) -> None:
        self._lines.append(copy_line(row, self._memo))
        self.count += 1
        if len(self._lines) >= _FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._lines:
            self._copy.write("\n".join(self._lines) + "\n")
            self._lines = []

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self._flush()
            self._copy_cm.__exit__(exc_type, exc, tb)
        finally:
            self._cursor.close()
        return False


class BulkCreateSink(RowSink):
    def __enter__(self):
        self._objects = []
        return self

    def write(self, row: tuple) -> None:
        self._objects.append(self.model(**dict(zip(self.columns, row, strict=True))))
        self.count += 1

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.model._default_manager.bulk_create(self._objects, batch_size=500)
        return False


class DiscardSink(RowSink):
    """For dry runs: takes the rows and saves nothing."""

    def write(self, row: tuple) -> None:
        pass


def row_sink(
    model: type[models.Model], columns: Sequence[str], *, discard: bool = False
) -> RowSink:
    """The fastest way to save rows on this database (use as a context manager)."""
    if discard:
        return DiscardSink(model, columns)
    sink = CopySink if connection.vendor == "postgresql" else BulkCreateSink
    return sink(model, columns)
