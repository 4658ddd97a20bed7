"""Refusals of a request by its `Idempotency-Key`, each a 4xx in the API's one error shape."""

from config.exceptions import Conflict, Unprocessable


class IdempotencyKeyReused(Unprocessable):
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used with a different request."


class IdempotencyKeyInFlight(Conflict):
    default_code = "idempotency_key_in_flight"
    default_detail = "A request with this Idempotency-Key is still being processed."
