"""Operator aggregators: who delivers a bought plan to the mobile operator.

A recharge is paid first (wallet or provider), then handed to an aggregator
that talks to the operators. One interface, the backend named by
`RECHARGE_AGGREGATOR`. An aggregator de-duplicates by our reference (the
transaction's UUID), so asking again after a lost answer never recharges twice.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

SUCCESS = "success"
PENDING = "pending"
FAILED = "failed"


class AggregatorUnavailable(Exception):
    """The aggregator did not answer: the recharge's fate is unknown, ask again later."""


@dataclass(frozen=True)
class FulfilmentResult:
    status: str  # SUCCESS, PENDING or FAILED
    reference: str = ""
    operator: str = ""
    message: str = ""


class OperatorAggregator:
    name = "base"

    def submit(
        self, *, reference: str, phone_number: str, plan_id: int, amount: Decimal
    ) -> FulfilmentResult:
        raise NotImplementedError

    def status(self, *, reference: str, phone_number: str) -> FulfilmentResult:
        raise NotImplementedError


@cache
def _aggregator_class(path: str) -> type[OperatorAggregator]:
    return import_string(path)


def get_aggregator() -> OperatorAggregator:
    return _aggregator_class(settings.RECHARGE_AGGREGATOR)()
