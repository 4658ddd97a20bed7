"""A gateway that needs no provider: it approves every charge and every refund."""

from decimal import Decimal

from recharge.gateways import ChargeResult, PaymentGateway


class SimulatedGateway(PaymentGateway):
    name = "simulated"

    def charge(
        self, *, amount: Decimal, payment_method: str, reference: str, user_id: int
    ) -> ChargeResult:
        # The reference is the provider's de-duplication key; echoing it keeps retries single.
        return ChargeResult(approved=True, gateway_reference=f"sim_{reference}", message="approved")

    def refund(self, *, amount: Decimal, reference: str, gateway_reference: str) -> ChargeResult:
        return ChargeResult(
            approved=True, gateway_reference=f"simref_{reference}", message="refunded"
        )
