"""Errors of the recharge app, each a 4xx in the API's one error shape."""

from config.exceptions import Conflict, Unprocessable


class InsufficientBalance(Unprocessable):
    default_code = "insufficient_balance"
    default_detail = "The wallet balance is too low for this payment."


class IdempotencyKeyReused(Unprocessable):
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used with a different request."


class IdempotencyKeyInFlight(Conflict):
    default_code = "idempotency_key_in_flight"
    default_detail = "A request with this Idempotency-Key is still being processed."


class InUse(Conflict):
    default_code = "in_use"
    default_detail = "This is still in use."
