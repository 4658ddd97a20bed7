"""Running a declared report: validate the request, query, and answer as data or a file."""

import tempfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import xlsxwriter
from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from config.export import escape_cell
from reports import cells, fetch
from reports.registry import Report
from reports.serializers import request_serializer

CONTROL_KEYS = {"order_by", "order_dir", "limit", "offset", "export_type", "date_from", "date_to"}
INLINE_LIMIT = 1000  # rows in a JSON reply at most; files have no such cap


class ReportRequest:
    """The validated body of a report request.

    Values are checked by the report's request serializer, the one the schema
    shows; on top of it, a name the report does not know is refused (a typo
    must not silently widen a report), and so is a date range that ends before
    it starts or that the report has no date for.
    """

    def __init__(self, report: Report, body):
        if not isinstance(body, dict):
            raise ValidationError({"non_field_errors": ["A JSON object is expected."]})
        unknown = sorted(str(key) for key in set(body) - set(report.filters) - CONTROL_KEYS)
        if unknown:
            raise ValidationError({key: [f"Unknown filter for {report.slug}."] for key in unknown})
        if not report.date_field and any(body.get(k) is not None for k in ("date_from", "date_to")):
            raise ValidationError({"date_from": [f"{report.slug} has no date to filter on."]})
        serializer = request_serializer(report)(data=body)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.filters = {name: data[name] for name in report.filters if data.get(name) is not None}
        order_by = data.get("order_by") or report.default_order
        order_dir = data.get("order_dir") or "asc"
        self.ordering = ("-" if order_dir == "desc" else "") + report.orderings[order_by]
        self.limit = data.get("limit") or 0
        self.offset = data.get("offset") or 0
        self.export_type = data.get("export_type") or "none"
        self.date_from = data.get("date_from")
        self.date_to = data.get("date_to")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationError({"date_to": ["Must not be before date_from."]})


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def queryset_for(report: Report, request: ReportRequest, user):
    rows = report.source(user)
    conditions = {report.filters[name].lookup: value for name, value in request.filters.items()}
    if request.date_from:
        conditions[f"{report.date_field}__gte"] = _day_start(request.date_from)
    if request.date_to:
        conditions[f"{report.date_field}__lt"] = _day_start(request.date_to) + timedelta(days=1)
    rows = rows.filter(**conditions)
    # The primary key breaks ties, so pages of a report never overlap.
    return rows.order_by(request.ordering, "pk")


def paths(report: Report) -> list[str]:
    return [column.path for column in report.columns]


def data_reply(report: Report, request: ReportRequest, rows) -> dict:
    total = rows.count()
    limit = min(request.limit or INLINE_LIMIT, INLINE_LIMIT)
    keys = [column.key for column in report.columns]
    page = rows[request.offset : request.offset + limit]
    work = []
    for index, column in enumerate(report.columns):
        if column.mask is not None:
            work.append((index, column.mask))
        if column.money:  # two-place strings in JSON, never floats
            work.append((index, _money_string))
    data = [
        dict(zip(keys, values, strict=True))
        for values in cells.prepared(page.values_list(*paths(report)), work)
    ]
    return {"data": data, "total": total, "limit": limit, "offset": request.offset}


def _money_string(value) -> str:
    return str(cells.quantize(value))


def sliced(request: ReportRequest, rows):
    if request.limit:
        return rows[request.offset : request.offset + request.limit]
    return rows[request.offset :] if request.offset else rows


def iter_rows(report: Report, request: ReportRequest, rows):
    """Each row as a list of typed cells (dates as ISO text), read in batches."""
    work = cells.converters(report, cells.output_types(report, rows), escape=False)
    for batch in fetch.batches(sliced(request, rows).values_list(*paths(report))):
        yield from cells.prepared(batch, work)


def filename(report: Report, extension: str) -> str:
    return f"{report.slug}-{timezone.now():%Y%m%d-%H%M%S}.{extension}"


def write_xlsx(report: Report, request: ReportRequest, rows, target) -> None:
    """XLSX with xlsxwriter's constant-memory mode: rows go to disk as they are written."""
    book = xlsxwriter.Workbook(
        target, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    money_format = book.add_format({"num_format": "0.00"})
    sheet = book.add_worksheet(report.title[:31])
    for col, column in enumerate(report.columns):
        sheet.write_string(0, col, column.key)
    for row_number, row in enumerate(iter_rows(report, request, rows), start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, Decimal):
                sheet.write_number(row_number, col, float(value), money_format)
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                sheet.write_string(row_number, col, escape_cell(value))
            else:
                sheet.write_number(row_number, col, value)
    book.close()


def xlsx_reply(report: Report, request: ReportRequest, rows):
    # The response closes (and so deletes) the file once it has been sent.
    spool = tempfile.NamedTemporaryFile(  # noqa: SIM115
        suffix=".xlsx", dir=getattr(settings, "REPORT_TMP_DIR", None)
    )
    write_xlsx(report, request, rows, spool.name)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename(report, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
