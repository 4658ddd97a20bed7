"""Report CSV files, streamed in blocks.

On PostgreSQL the file is written by the database: the report's own SELECT (its
filters, ordering and paging as the engine builds them), with each cell shaped in
SQL as csv.writer would write it (cells.pg_csv_text), run as COPY ... TO STDOUT.
Elsewhere, for reports with masked columns (masks are Python functions), and with
the setting REPORT_CSV_COPY = False, rows
are read in batches through a server-side cursor and written by csv.writer one
batch at a time; text cells are still quoted against formulas by the database.
"""

import csv
import io

from django.conf import settings
from django.db import connections
from django.http import StreamingHttpResponse

from reports import cells, fetch
from reports.engine import ReportRequest, filename, paths, sliced
from reports.registry import Report


def _header(report: Report) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([column.key for column in report.columns])
    return buffer.getvalue().encode()


def _shaped(rows, expressions: dict) -> tuple:
    """The rows with the given column expressions, and the names to select in order."""
    aliases = {f"_csv_{index}": expression for index, expression in expressions.items()}
    return rows.annotate(**aliases) if aliases else rows, aliases


def _pg_copy(report: Report, types: list[str], rows):
    expressions = {
        index: cells.pg_csv_text(column, kind)
        for index, (column, kind) in enumerate(zip(report.columns, types, strict=True))
    }
    rows, _ = _shaped(rows, expressions)
    return fetch.pg_copy_csv(rows.values_list(*(f"_csv_{i}" for i in range(len(types)))))


def _python(report: Report, types: list[str], rows):
    escaped = {
        index: cells.escaped_in_sql(column.path)
        for index, (column, kind) in enumerate(zip(report.columns, types, strict=True))
        if kind in cells.TEXT_TYPES and column.mask is None
    }
    rows, _ = _shaped(rows, escaped)
    selected = [f"_csv_{i}" if i in escaped else path for i, path in enumerate(paths(report))]
    work = cells.converters(report, types, escape=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for batch in fetch.batches(rows.values_list(*selected)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(cells.prepared(batch, work))
        yield buffer.getvalue().encode()


def csv_chunks(report: Report, request: ReportRequest, rows):
    """The CSV as UTF-8 blocks: the header, then the rows."""
    types = cells.output_types(report, rows)
    yield _header(report)
    by_copy = (
        getattr(settings, "REPORT_CSV_COPY", True)
        and connections[rows.db].vendor == "postgresql"
        and not any(column.mask for column in report.columns)
    )
    yield from (_pg_copy if by_copy else _python)(report, types, sliced(request, rows))


def csv_reply(report: Report, request: ReportRequest, rows) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_chunks(report, request, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(report, "csv")}"'
    return response
