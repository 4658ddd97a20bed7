"""An aggregator that needs no contract: it recharges at once, or declines on cue.

Numbers ending in `RECHARGE_SANDBOX_DECLINE_SUFFIX` (404040 by default) are
declined by the "operator", so the refund of a failed recharge can be tried
by hand; numbers ending in `RECHARGE_SANDBOX_PENDING_SUFFIX` (202020) stay
pending until asked again, as slow operators do.
"""

import hashlib
from decimal import Decimal

from django.conf import settings

from recharge.aggregators import (
    FAILED,
    PENDING,
    SUCCESS,
    FulfilmentResult,
    OperatorAggregator,
)


def _suffix(name: str, default: str) -> str:
    return getattr(settings, name, default)


class SandboxAggregator(OperatorAggregator):
    name = "sandbox"

    def _answer(self, reference: str, phone_number: str, *, asked_again: bool) -> FulfilmentResult:
        ref = "sbx_" + hashlib.sha256(reference.encode()).hexdigest()[:16]
        if phone_number.endswith(_suffix("RECHARGE_SANDBOX_DECLINE_SUFFIX", "404040")):
            return FulfilmentResult(FAILED, ref, "sandbox", "The operator declined the recharge.")
        if not asked_again and phone_number.endswith(
            _suffix("RECHARGE_SANDBOX_PENDING_SUFFIX", "202020")
        ):
            return FulfilmentResult(PENDING, ref, "sandbox", "Queued at the operator.")
        return FulfilmentResult(SUCCESS, ref, "sandbox", "Recharged.")

    def submit(
        self, *, reference: str, phone_number: str, plan_id: int, amount: Decimal
    ) -> FulfilmentResult:
        return self._answer(reference, phone_number, asked_again=False)

    def status(self, *, reference: str, phone_number: str) -> FulfilmentResult:
        return self._answer(reference, phone_number, asked_again=True)
