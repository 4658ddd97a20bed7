"""Running a declared report: validate the request, query, and answer as data or a file."""

import tempfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import xlsxwriter
from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

from config.export import escape_cell
from reports import cells, fetch
from reports.registry import Report

CONTROL_KEYS = {"order_by", "order_dir", "limit", "offset", "export_type", "date_from", "date_to"}
EXPORT_TYPES = ("none", "csv", "xlsx")
INLINE_LIMIT = 1000  # rows in a JSON reply at most; files have no such cap


def _date(name: str, value) -> date:
    try:
        parsed = parse_date(str(value)) if value not in (None, "") else None
    except ValueError:  # well formed but no such day, as 2024-02-30
        parsed = None
    if parsed is None:
        raise ValidationError({name: ["A date in YYYY-MM-DD form."]})
    return parsed


def _coerce(name: str, kind: str, value):
    if kind in ("ids", "strings"):
        if not isinstance(value, list) or not value:
            raise ValidationError({name: ["A non-empty list."]})
        if kind == "ids" and not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise ValidationError({name: ["A list of whole numbers."]})
        if kind == "strings" and not all(isinstance(v, str) for v in value):
            raise ValidationError({name: ["A list of strings."]})
        if len(value) > 1000:
            raise ValidationError({name: ["At most 1000 values."]})
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValidationError({name: ["true or false."]})
        return value
    if kind == "date":
        return _date(name, value)
    if kind == "datetime":
        try:
            parsed = parse_datetime(str(value))
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError({name: ["An ISO 8601 date and time."]})
        return parsed
    if not isinstance(value, str):
        raise ValidationError({name: ["A string."]})
    return value


class ReportRequest:
    """The validated body of a report request."""

    def __init__(self, report: Report, body: dict):
        if not isinstance(body, dict):
            raise ValidationError({"non_field_errors": ["A JSON object is expected."]})
        unknown = sorted(set(body) - set(report.filters) - CONTROL_KEYS)
        if unknown:
            raise ValidationError({key: [f"Unknown filter for {report.slug}."] for key in unknown})
        self.filters = {
            name: _coerce(name, report.filters[name].kind, value)
            for name, value in body.items()
            if name in report.filters and value is not None
        }
        order_by = body.get("order_by") or report.default_order
        if order_by not in report.orderings:
            raise ValidationError(
                {"order_by": [f"Unknown ordering; one of: {', '.join(sorted(report.orderings))}."]}
            )
        order_dir = (body.get("order_dir") or "asc").lower()
        if order_dir not in ("asc", "desc"):
            raise ValidationError({"order_dir": ["asc or desc."]})
        self.ordering = ("-" if order_dir == "desc" else "") + report.orderings[order_by]
        self.limit = self._whole(body, "limit", 0)
        self.offset = self._whole(body, "offset", 0)
        self.export_type = body.get("export_type") or "none"
        if self.export_type not in EXPORT_TYPES:
            raise ValidationError({"export_type": [f"One of: {', '.join(EXPORT_TYPES)}."]})
        self.date_from = _date("date_from", body["date_from"]) if body.get("date_from") else None
        self.date_to = _date("date_to", body["date_to"]) if body.get("date_to") else None
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationError({"date_to": ["Must not be before date_from."]})
        if (self.date_from or self.date_to) and not report.date_field:
            raise ValidationError({"date_from": [f"{report.slug} has no date to filter on."]})

    @staticmethod
    def _whole(body: dict, name: str, default: int) -> int:
        value = body.get(name, default)
        if value is None:
            return default
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationError({name: ["A whole number, 0 or more."]})
        return value


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
