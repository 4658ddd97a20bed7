"""Input that PostgreSQL or the server cannot take is refused at the door, once.

PostgreSQL text cannot hold a NUL character: a NUL that reaches a query is a
500, wherever it came from. So the path, the query string and the headers are
checked by `InputGuardMiddleware` before any view runs, and every parsed body
by the API's parsers, each refusing with a 400 that names the field.

A body is read into memory only up to DATA_UPLOAD_MAX_MEMORY_SIZE: past it the
JSON and form parsers answer 413 (multipart uploads are capped by Django as it
reads them, and their file parts by each upload's own rules).
"""

import io

from django.conf import settings
from django.http import JsonResponse
from rest_framework import parsers, serializers
from rest_framework.exceptions import ValidationError

from config import contracts
from config.exceptions import PayloadTooLarge, error_body

NUL = "\x00"
NUL_MESSAGE = "Null characters are not allowed."


def find_nul(value, path: str = "") -> str | None:
    """The path ("items.0.name") of the first string in `value` holding a NUL, or None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            key = str(key)
            here = f"{path}.{key}" if path else key
            if NUL in key:
                return here
            found = find_nul(item, here)
            if found is not None:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = find_nul(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None


def _refuse_nul(data) -> None:
    if hasattr(data, "lists"):  # a QueryDict: every value of every key
        data = dict(data.lists())
    field = find_nul(data)
    if field is not None:
        raise ValidationError({field or "non_field_errors": [NUL_MESSAGE]})


def _read_capped(stream, request) -> bytes:
    """The body, refusing one past the memory limit whatever its Content-Length says."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return stream.read()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise PayloadTooLarge()
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise PayloadTooLarge()
    return raw


class _CappedBodyMixin:
    """Reads the body within the memory limit, then refuses a NUL in what it parsed to."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        if stream is not None and request is not None:
            stream = io.BytesIO(_read_capped(stream, request))
        data = super().parse(stream, media_type, parser_context)
        _refuse_nul(data)
        return data


class JSONParser(_CappedBodyMixin, parsers.JSONParser):
    pass


class FormParser(_CappedBodyMixin, parsers.FormParser):
    pass


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _refuse_nul(result.data)
        # An uploaded file's name is stored too; its content is the upload's own business.
        _refuse_nul({key: [f.name for f in files] for key, files in result.files.lists()})
        return result


def _nul_reply(field: str, contract=None) -> JsonResponse:
    status, body = (
        400,
        error_body(400, "validation_error", f"{field}: {NUL_MESSAGE}", {field: [NUL_MESSAGE]}),
    )
    if contract is not None:
        status, body = contract.error(status=status, body=body, message=None)
    return JsonResponse(body, status=status)


def _nul_field(request) -> str | None:
    """The query parameter or header holding a NUL, or None."""
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return key.replace(NUL, "") or "query"
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and NUL in value:
            return key.removeprefix("HTTP_").replace("_", "-").title()
    return None


class InputGuardMiddleware:
    """Refuses a NUL in the path, a query parameter or a header before any view runs,
    in the reply shape of the route it was sent to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path_info:
            return _nul_reply("path")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        field = _nul_field(request)
        if field is None:
            return None
        return _nul_reply(field, contracts.for_route(request, view_func))


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean and nothing else: no "yes", "1" or 0 standing in for it."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer and nothing else: no "12" or 12.0 standing in for it."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A JSON string and nothing else: no number standing in for it."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# --- JSON scalars are taken as the schema types them ---------------------------
#
# DRF is lenient by design: a string field takes 12 and turns it into "12", a
# boolean field takes 1 and 0, an integer field takes 12.0. The schema says
# "string", "boolean", "integer", and a client relying on the leniency would
# break against any other implementation of it, so a JSON value of another
# type is refused here, once for every serializer. Form values are always
# strings and keep their meaning ("12", "true").

_drf_char = serializers.CharField.to_internal_value
_drf_boolean = serializers.BooleanField.to_internal_value
_drf_integer = serializers.IntegerField.to_internal_value


def _char(self, data):
    if not isinstance(data, str):
        self.fail("invalid")
    return _drf_char(self, data)


def _boolean(self, data):
    if not isinstance(data, (bool, str)):
        self.fail("invalid", input=data)
    return _drf_boolean(self, data)


def _integer(self, data):
    if isinstance(data, (bool, float)):
        self.fail("invalid")
    return _drf_integer(self, data)


def enforce_json_scalar_types() -> None:
    """Called once at start-up (config.apps)."""
    serializers.CharField.to_internal_value = _char
    serializers.BooleanField.to_internal_value = _boolean
    serializers.IntegerField.to_internal_value = _integer
