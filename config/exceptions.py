"""One error hierarchy and one exception handler for the whole API.

Every error leaves in one shape, whatever raised it:

    {"status": 400, "code": "validation_error", "message": "...", "errors": {...}}

`errors` is present only for validation errors. Nothing about the server's
internals (stack traces, SQL, exception text) ever reaches a client. A route
whose seed documents its own error body gives it through `config.contracts`.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

logger = logging.getLogger("api.errors")

DEFAULT_MESSAGES = {
    400: "The request is malformed.",
    401: "Authentication credentials were not provided or are invalid.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    405: "Method not allowed.",
    409: "The request conflicts with the current state of the resource.",
    413: "The request is too large.",
    422: "The request cannot be processed.",
    429: "Too many requests.",
    500: "Internal server error.",
    503: "Service unavailable.",
}


class ApiError(exceptions.APIException):
    """Base of the errors our own code raises on purpose."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_request"
    default_detail = DEFAULT_MESSAGES[400]


class Conflict(ApiError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = DEFAULT_MESSAGES[409]


class PayloadTooLarge(ApiError):
    """A body over the size the server reads (DATA_UPLOAD_MAX_MEMORY_SIZE, or a caller's own cap)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = DEFAULT_MESSAGES[413]


class Unprocessable(ApiError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"
    default_detail = DEFAULT_MESSAGES[422]


class ServiceUnavailable(ApiError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    default_detail = DEFAULT_MESSAGES[503]


def error_body(status_code: int, code: str, message: str, errors=None) -> dict:
    body = {"status": status_code, "code": code, "message": message}
    if errors is not None:
        body["errors"] = errors
    return body


def _first_message(errors) -> tuple[str, str]:
    """The first (field path, message) of a nested DRF error structure."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            path, message = _first_message(value)
            return (f"{key}.{path}" if path else str(key)), message
    if isinstance(errors, list) and errors:
        for index, value in enumerate(errors):
            if value:  # list serializers report {} for the items that were fine
                path, message = _first_message(value)
                if isinstance(value, (dict, list)) and len(errors) > 1:
                    path = f"{index}.{path}" if path else str(index)
                return path, message
    return "", str(errors)


def _validation_body(exc: exceptions.ValidationError) -> dict:
    detail = exc.detail
    if not isinstance(detail, dict):
        detail = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
    field, message = _first_message(detail)
    if field and field != "non_field_errors":
        message = f"{field}: {message}"
    return error_body(400, "validation_error", message, errors=detail)


def _detail_message(detail) -> str:
    """The human message of an error's detail; a structured detail (simplejwt's) gives its own."""
    if isinstance(detail, dict):
        if "detail" in detail:
            return str(detail["detail"])
        return _first_message(detail)[1]
    if isinstance(detail, list):
        return _first_message(detail)[1] if detail else ""
    return str(detail)


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def api_exception_handler(exc, context):
    """The error in the design shape, or in the contract of the route and client."""
    from config import contracts

    return contracts.dress_error(_design_error_response(exc, context), context)


def _design_error_response(exc, context):
    # Imported here: rest_framework.views loads the authentication classes at
    # import time, and those import our errors, which live in this module.
    from rest_framework.views import exception_handler as drf_exception_handler
    from rest_framework.views import set_rollback

    if isinstance(exc, RequestDataTooBig):
        # Django's refusal of an oversized body, met while a parser reads it.
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        # Too many fields or files, a malformed multipart body: the request is at fault.
        exc = exceptions.ParseError()
    if isinstance(exc, DjangoValidationError):
        # Services validate with Django's exception; it leaves as a 400 like any other.
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    if isinstance(exc, exceptions.ValidationError):
        response = drf_exception_handler(exc, context)
        response.data = _validation_body(exc)
        return response

    if isinstance(exc, (Http404, DjangoPermissionDenied, exceptions.APIException)):
        response = drf_exception_handler(exc, context)
        if isinstance(exc, Http404):
            code, message = "not_found", DEFAULT_MESSAGES[404]
        elif isinstance(exc, DjangoPermissionDenied):
            code, message = "permission_denied", DEFAULT_MESSAGES[403]
        else:
            code, message = _code_of(exc), _detail_message(exc.detail)
        response.data = error_body(response.status_code, code, message)
        return response

    # Anything else is a bug: log it with its traceback, tell the client nothing.
    set_rollback()
    view = context.get("view")
    logger.error(
        "Unhandled exception in %s",
        type(view).__name__ if view is not None else "view",
        exc_info=exc,
    )
    return Response(error_body(500, "server_error", DEFAULT_MESSAGES[500]), status=500)
