"""Reports, each declared once: where its rows come from, its columns, filters and orderings.

A declaration is data; one engine (reports.engine) validates the request
against it, runs the query, and shapes the reply as JSON, CSV or XLSX.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet


@dataclass(frozen=True)
class Column:
    key: str  # the name in the reply and the file header
    path: str  # the ORM path read with .values()
    mask: Callable[[object], object] | None = None  # for identity numbers
    # Money: a two-place decimal string in JSON and CSV, a number in XLSX.
    money: bool = False


@dataclass(frozen=True)
class Filter:
    """A filter the request may name: its ORM lookup and the kind of value it takes."""

    lookup: str
    kind: str  # "ids", "strings", "string", "bool", "date", "datetime"


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    source: Callable[[object], QuerySet]  # the caller -> the rows they may see
    columns: tuple[Column, ...]
    filters: dict[str, Filter] = field(default_factory=dict)
    orderings: dict[str, str] = field(default_factory=dict)
    default_order: str = "created_at"
    date_field: str | None = "created_at"  # what date_from/date_to bound
    permission: str | None = None  # None: any signed-in user (source scopes to them)
    url: str | None = None  # path under /api/v1/reports/, when not "<slug>"

    @property
    def path(self) -> str:
        return self.url or self.slug


REGISTRY: dict[str, Report] = {}


def register(report: Report) -> Report:
    if report.slug in REGISTRY:
        raise ValueError(f"Report {report.slug} is declared twice.")
    if report.default_order not in report.orderings:
        raise ValueError(f"{report.slug}: default order {report.default_order} is not an ordering.")
    REGISTRY[report.slug] = report
    return report
