"""The window of days a figure covers (`days`, or `from`/`to`), and series over it."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from rest_framework import serializers

DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass(frozen=True)
class Window:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        """The first moment after the window."""
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    def q(self, field: str) -> Q:
        """Rows whose `field` falls inside the window."""
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]

    def as_dict(self) -> dict:
        return {"from": self.first, "to": self.last, "days": self.days}


def _window_fields() -> dict:
    return {
        "days": serializers.IntegerField(
            min_value=1,
            max_value=MAX_DAYS,
            required=False,
            help_text=f"The last N days, today included (default {DEFAULT_DAYS}).",
        ),
        "from": serializers.DateField(required=False, help_text="First day (instead of days)."),
        "to": serializers.DateField(required=False, help_text="Last day (default today)."),
    }


class WindowQuerySerializer(serializers.Serializer):
    """`days`, or `from` and optionally `to`: at most 366 days."""

    def get_fields(self):
        return _window_fields()

    def validate(self, attrs):
        first, last, days = attrs.get("from"), attrs.get("to"), attrs.get("days")
        if first and days:
            raise serializers.ValidationError({"days": ["Give days or from/to, not both."]})
        last = last or timezone.localdate()
        if first is None:
            first = last - timedelta(days=(days or DEFAULT_DAYS) - 1)
        if first > last:
            raise serializers.ValidationError({"to": ["Must not be before from."]})
        if (last - first).days + 1 > MAX_DAYS:
            raise serializers.ValidationError({"from": [f"At most {MAX_DAYS} days."]})
        return Window(first=first, last=last)


class WindowSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            "days": serializers.IntegerField(),
        }


def window_from(request) -> Window:
    query = WindowQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def daily(queryset, field: str, window: Window, **figures) -> list[dict]:
    """One row per day of the window: `figures` aggregated over the rows of that day.

    One query; days without rows come back with zeros.
    """
    rows = (
        queryset.filter(window.q(field))
        .annotate(day=TruncDate(field))
        .order_by()
        .values("day")
        .annotate(**figures)
    )
    by_day = {row.pop("day"): row for row in rows}
    empty = dict.fromkeys(figures, 0)
    return [{"date": day, **by_day.get(day, empty)} for day in window.dates()]


def first_of_months_back(months: int, today: date | None = None) -> date:
    """The first day of the month `months - 1` months before this one."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def month_keys(first_month: date, months: int) -> list[str]:
    """The "YYYY-MM" keys of `months` months from `first_month` on."""
    index = first_month.year * 12 + first_month.month - 1
    return [f"{(index + n) // 12:04d}-{(index + n) % 12 + 1:02d}" for n in range(months)]


def monthly(queryset, field: str, months: int, **figures) -> list[dict]:
    """One row per month of the last `months` (this one included), zeros where none: one query."""
    first = first_of_months_back(months)
    start = timezone.make_aware(datetime.combine(first, time.min))
    rows = (
        queryset.filter(**{f"{field}__gte": start})
        .annotate(month=TruncMonth(field))
        .order_by()
        .values("month")
        .annotate(**figures)
    )
    by_month = {f"{row.pop('month'):%Y-%m}": row for row in rows}
    empty = dict.fromkeys(figures, 0)
    return [{"month": key, **by_month.get(key, empty)} for key in month_keys(first, months)]
