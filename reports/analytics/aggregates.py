"""Aggregate expressions the figures share."""

from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")


def money_sum(field: str, condition: Q | None = None):
    """The sum of `field` over the rows meeting `condition`, 0.00 when there are none."""
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=MONEY)


def count(condition: Q | None = None, field: str = "pk", *, distinct: bool = False):
    return Count(field, filter=condition, distinct=distinct)


def counts_by(field: str, values, condition: Q | None = None) -> dict:
    """One conditional count per value of `field`, named `<field>__<value>`, in one query."""
    return {
        f"{field}__{value}": Count("pk", filter=Q(**{field: value}) & (condition or Q()))
        for value in values
    }


def pick(totals: dict, field: str, values) -> dict:
    """The counts made by counts_by(), as {value: count}."""
    return {value: totals.pop(f"{field}__{value}") for value in values}


def rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
