"""What each column's cells need before they leave: masks, money, dates, formula escapes."""

from collections.abc import Callable
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Func, Q, TextField, Value, When
from django.db.models.functions import Cast, Concat, Left, NullIf
from django.db.models.lookups import In

from reports.registry import Report

CENT = Decimal("0.01")
# What spreadsheet programs read as the start of a formula (as config.export escapes).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text the database can quote itself (escaped_in_sql).
TEXT_TYPES = frozenset({"CharField", "TextField", "EmailField", "SlugField", "URLField"})
TIME_TYPES = frozenset({"DateTimeField", "DateField", "TimeField"})
# Numbers, booleans, dates and UUIDs: nothing to quote (a spreadsheet reads a
# negative number as the number it is).
PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "FloatField",
        "DecimalField",
        "BooleanField",
        "UUIDField",
        "DurationField",
        *TIME_TYPES,
    }
)
_QUOTED_ELSEWHERE = PLAIN_TYPES | TEXT_TYPES


def output_types(report: Report, rows) -> list[str]:
    """The type of each column's cells (a field's internal type), read from the query.

    A foreign key counts as the type of the key it holds.
    """
    query = rows.query.chain()
    types = []
    for column in report.columns:
        field = query.resolve_ref(column.path).output_field
        while field.is_relation:
            field = field.target_field
        types.append(field.get_internal_type())
    return types


# --- in SQL, for files ---------------------------------------------------------------------------


def escaped_in_sql(expression) -> Case:
    """The text of `expression`, quoted by the database where a spreadsheet would see a formula.

    Done in SQL so that a large CSV export spends no Python call on its text cells.
    """
    expression = F(expression) if isinstance(expression, str) else expression
    return Case(
        When(In(Left(expression, 1), list(FORMULA_STARTS)), then=Concat(Value("'"), expression)),
        default=expression,
        output_field=TextField(),
    )


class PgIsoTimestamp(Func):
    """A timestamptz as ISO 8601 text ("2025-01-31T10:00:00.5+00:00"), NULL kept.

    PostgreSQL's own text of the value, with the session in UTC and ISO DateStyle
    (set by the caller), differs from ISO 8601 by its space and short offset.
    """

    template = "(replace(CAST(%(expressions)s AS text), ' ', 'T') || ':00')"
    output_field = TextField()


def pg_csv_text(column, kind: str):
    """The cell of `column` as PostgreSQL should write it in a CSV, the way csv.writer would.

    Empty text comes out as nothing (COPY would write ""), booleans as True/False,
    money with two places, timestamps in ISO form, and every cell that is not a
    number, a date or a UUID escaped against formulas.
    """
    if column.money:
        return Cast(column.path, DecimalField(max_digits=20, decimal_places=2))
    if kind == "DateTimeField":
        return PgIsoTimestamp(column.path)
    if kind == "BooleanField":
        return Case(
            When(Q(**{column.path: True}), then=Value("True")),
            When(Q(**{column.path: False}), then=Value("False")),
            output_field=TextField(),
        )
    if kind in PLAIN_TYPES:
        return F(column.path)
    text = F(column.path) if kind in TEXT_TYPES else PgText(column.path)
    return NullIf(escaped_in_sql(text), Value(""), output_field=TextField())


class PgText(Func):
    """Any value as the text its type prints (an inet without its /32), NULL as ""."""

    function = "concat"
    output_field = TextField()


# --- in Python -----------------------------------------------------------------------------------


def quantize(value) -> Decimal:
    return (value if isinstance(value, Decimal) else Decimal(value)).quantize(CENT)


def isoformat(value) -> str:
    return value.isoformat()


def escape_text(value) -> str:
    value = str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def converters(report: Report, types: list[str], *, escape: bool) -> list[tuple[int, Callable]]:
    """(column index, function) for each column whose cells need work before they go out.

    Cells of the other columns (numbers, booleans, UUIDs, empty cells) pass as they
    are, so a wide export spends its time only on the columns that need it. With
    `escape`, plain text columns are taken to be escaped already (escaped_in_sql).
    """
    work = []
    for index, (column, kind) in enumerate(zip(report.columns, types, strict=True)):
        steps: list[Callable] = []
        if column.mask is not None:
            steps.append(column.mask)
        if column.money:
            steps.append(quantize)
        elif kind in TIME_TYPES:
            steps.append(isoformat)
        # Text the database does not quote: masked values, and any type not known to be plain.
        if escape and (column.mask is not None or kind not in _QUOTED_ELSEWHERE):
            steps.append(escape_text)
        if len(steps) == 1:
            work.append((index, steps[0]))
        elif steps:
            work.append((index, _chain(steps)))
    return work


def _chain(steps: list[Callable]) -> Callable:
    def run(value):
        for step in steps:
            value = step(value)
        return value

    return run


def prepared(rows, work: list[tuple[int, Callable]]):
    """Each row with the column functions applied (empty cells stay None)."""
    if not work:
        yield from rows
        return
    for values in rows:
        values = list(values)
        for index, function in work:
            value = values[index]
            if value is not None:
                values[index] = function(value)
        yield values
