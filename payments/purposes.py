"""What happens when money for a purpose arrives, or will not: handlers registered by the seller.

The app that sells something (recharge: wallet top-ups and plan recharges)
registers a handler per `PaymentPurpose` in its `AppConfig.ready()`, so this
app calls into it without importing it. Handlers run inside the transaction
that moves the payment, with the payment row locked:

- `captured(payment)` delivers what was bought, exactly once. It must not
  raise for business reasons (a plan withdrawn meanwhile): it refunds instead
  through `payments.services.refunds.payment_refund`, so a provider's retry of
  the same webhook never loops.
- `closed(payment)` is told that the payment failed or expired unpaid.
"""

from typing import Protocol

from payments.models import Payment


class PurposeHandler(Protocol):
    def captured(self, payment: Payment) -> None: ...

    def closed(self, payment: Payment) -> None: ...


_handlers: dict[str, PurposeHandler] = {}


def register(purpose: str, handler: PurposeHandler) -> None:
    _handlers[purpose] = handler


def handler_for(purpose: str) -> PurposeHandler:
    try:
        return _handlers[purpose]
    except KeyError:
        raise LookupError(
            f"No handler is registered for payments of purpose {purpose!r}."
        ) from None
