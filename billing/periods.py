"""Billing periods and proration: pure date and money arithmetic, no database.

A period is `[start, end)`. A monthly package's periods run from one billing
day to the same day of the next month (billing days stop at 28, so every
month has one); a period that starts on another day (an activation on the
10th with billing day 1) ends at the next billing day and is charged for its
share of the full month. A package of N days runs N days from its start.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from billing.models import IspPackage, ValidityKind
from config.money import money


def isp_zone() -> ZoneInfo:
    return ZoneInfo(settings.ISP_TIME_ZONE)


def isp_today() -> date:
    """Today where the ISP is: due dates and expiries are local calendar days."""
    return timezone.now().astimezone(isp_zone()).date()


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=isp_zone())


def _shift_month(day: date, months: int, billing_day: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, billing_day)


def period_end(start: date, package: IspPackage, billing_day: int) -> date:
    """Where a period starting on `start` ends (exclusive)."""
    if package.validity_kind == ValidityKind.DAYS:
        return start + timedelta(days=package.validity_days)
    candidate = start.replace(day=billing_day)
    return candidate if candidate > start else _shift_month(candidate, 1, billing_day)


def full_period_days(end: date, package: IspPackage, billing_day: int) -> int:
    """Days of the whole period that ends on `end`: what a share of it is measured against."""
    if package.validity_kind == ValidityKind.DAYS:
        return package.validity_days
    return (end - _shift_month(end, -1, billing_day)).days


def prorate(amount: Decimal, days: int, period_days: int) -> Decimal:
    """`amount` for `days` of a `period_days` period, to the paisa (half up)."""
    if days >= period_days:
        return money(amount)
    return money(Decimal(amount) * days / period_days)
