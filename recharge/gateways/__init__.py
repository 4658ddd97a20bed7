"""Payment gateways: one interface, the backend chosen by `RECHARGE_PAYMENT_GATEWAY`.

A backend is a class with a `name` and `charge()`/`refund()`. The built-in
`SimulatedGateway` approves everything, for development and tests; a real
provider plugs in by naming its class in the setting.

Each charge carries our transaction's `reference`, a UUID that stays the same
when a request is retried with the same `Idempotency-Key`, so a provider that
de-duplicates by reference never charges twice for one purchase.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_GATEWAY = "recharge.gateways.simulated.SimulatedGateway"


class GatewayUnavailable(Exception):
    """The provider could not be reached or did not answer: nothing is known to be charged."""


@dataclass(frozen=True)
class ChargeResult:
    approved: bool
    gateway_reference: str = ""
    message: str = ""


class PaymentGateway:
    name = "base"

    def charge(
        self, *, amount: Decimal, payment_method: str, reference: str, user_id: int
    ) -> ChargeResult:
        raise NotImplementedError

    def refund(self, *, amount: Decimal, reference: str, gateway_reference: str) -> ChargeResult:
        raise NotImplementedError


@cache
def _gateway_class(path: str) -> type[PaymentGateway]:
    return import_string(path)


def get_gateway() -> PaymentGateway:
    path = getattr(settings, "RECHARGE_PAYMENT_GATEWAY", DEFAULT_GATEWAY)
    return _gateway_class(path)()
