"""Errors of the payments app, each a 4xx or 503 in the API's one error shape."""

from config.exceptions import ApiError, Conflict, ServiceUnavailable, Unprocessable


class IllegalTransition(Conflict):
    default_code = "illegal_transition"
    default_detail = "The payment cannot move to that state from its current one."


class BadSignature(ApiError):
    default_code = "invalid_signature"
    default_detail = "The signature does not verify."


class ProviderNotAnswering(ServiceUnavailable):
    default_code = "provider_unavailable"
    default_detail = "The payment provider is not answering. Try again shortly."


class RefundRefused(Unprocessable):
    default_code = "refund_refused"
    default_detail = "This refund cannot be made."
