"""Payment providers: one small interface, one module per provider.

A provider creates orders, verifies what it signs (webhooks and the client's
confirmation), answers questions about an order or a payment, captures and
refunds. It knows nothing of wallets or plans. Amounts cross the interface as
Decimals in major units; each adapter converts to what its API counts in.

`PAYMENTS_PROVIDERS` maps names to classes; `PAYMENTS_PROVIDER` names the one
new payments use (the sandbox unless Razorpay keys are set). A payment keeps
the provider it was made with, so switching never strands one.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

BUILT_IN = {
    "razorpay": "payments.providers.razorpay.RazorpayProvider",
    "sandbox": "payments.providers.sandbox.SandboxProvider",
}


class ProviderError(Exception):
    """The provider refused the request (bad request, unknown id)."""


class ProviderUnavailable(ProviderError):
    """The provider could not be reached or did not answer: its side is unknown."""


class InvalidSignature(Exception):
    """A signature did not verify: the message is not from the provider."""


class MalformedEvent(Exception):
    """A signed message that does not have the shape the provider documents."""


# What a provider says about one payment attempt, normalised.
CAPTURED = "captured"
AUTHORIZED = "authorized"
FAILED = "failed"
REFUNDED = "refunded"
CREATED = "created"


@dataclass(frozen=True)
class ProviderPayment:
    payment_id: str
    order_id: str
    status: str  # one of the constants above
    amount: Decimal
    currency: str
    error: str = ""
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderOrder:
    order_id: str
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderRefund:
    refund_id: str
    processed: bool
    failed: bool = False
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str
    event_type: str
    order_id: str = ""
    payment: ProviderPayment | None = None
    refund_id: str = ""
    raw: dict = field(default_factory=dict)


class PaymentProvider:
    name = "base"

    def create_order(
        self, *, reference: str, amount: Decimal, currency: str, notes: dict
    ) -> ProviderOrder:
        raise NotImplementedError

    def checkout(self, *, order_id: str, request=None) -> dict:
        """What a client needs to pay the order: key id, and a checkout page if there is one."""
        raise NotImplementedError

    def verify_webhook(self, *, body: bytes, headers) -> None:
        """Raise InvalidSignature unless `body` is signed by the provider."""
        raise NotImplementedError

    def parse_webhook(self, *, body: bytes, headers) -> WebhookEvent:
        raise NotImplementedError

    def verify_confirmation(self, *, order_id: str, payment_id: str, signature: str) -> None:
        """Raise InvalidSignature unless the client's confirmation is signed by the provider."""
        raise NotImplementedError

    def fetch_payment(self, *, payment_id: str) -> ProviderPayment:
        raise NotImplementedError

    def order_payments(self, *, order_id: str) -> list[ProviderPayment]:
        raise NotImplementedError

    def capture(self, *, payment_id: str, amount: Decimal, currency: str) -> ProviderPayment:
        raise NotImplementedError

    def refund(
        self, *, payment_id: str, amount: Decimal, receipt: str, retry: bool
    ) -> ProviderRefund:
        """Refund `amount`. With `retry`, an earlier attempt's outcome is unknown: look first."""
        raise NotImplementedError


def to_minor(amount: Decimal) -> int:
    """Paise (or poisha) from rupees: providers count in the smallest unit."""
    return int((Decimal(amount) * 100).to_integral_value())


def from_minor(value) -> Decimal:
    return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


@cache
def _provider_class(path: str) -> type[PaymentProvider]:
    return import_string(path)


def provider_names() -> dict[str, str]:
    names = {**BUILT_IN, **getattr(settings, "PAYMENTS_PROVIDERS", {})}
    if not settings.PAYMENTS_SANDBOX_ENABLED:
        # A deployment on a real provider accepts nothing signed by the sandbox's local secret.
        names.pop("sandbox", None)
    return names


def get_provider(name: str | None = None) -> PaymentProvider:
    """The named provider, or the one new payments use. KeyError for an unknown name."""
    name = name or settings.PAYMENTS_PROVIDER
    return _provider_class(provider_names()[name])()
