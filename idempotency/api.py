"""`Idempotency-Key` for the API's money-moving POSTs: the header, its schema and the wrapper.

Every view that moves money runs its work through `idempotent()`, after it has
validated its input (an invalid request is answered without using the key),
and lists `IDEMPOTENCY_KEY` in its schema's parameters.
"""

import json
import uuid
from collections.abc import Callable

from django.db import transaction
from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from idempotency.errors import IdempotencyKeyInFlight
from idempotency.services import (
    MAX_KEY_LENGTH,
    idempotency_claim,
    idempotency_complete,
    idempotency_release,
    key_reference,
    request_fingerprint,
)

HEADER = "Idempotency-Key"

IDEMPOTENCY_KEY = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    description=(
        f"Required: a unique string (a UUID) of 1 to {MAX_KEY_LENGTH} characters, chosen by "
        "the client for this one operation. A retry with the same key and body returns the "
        "first reply (with `Idempotent-Replayed: true`) and moves no money; the same key with "
        "another body is refused (422); while the first request runs, 409. A reply of 5xx is "
        "not kept, so its retry runs again. Keys are kept at least 24 hours, per user."
    ),
)


def idempotency_key_from(request: Request) -> str:
    """The request's key; a 400 naming the header when it is missing, blank or too long."""
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        raise ValidationError({HEADER: ["This header is required."]})
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationError({HEADER: [f"Use at most {MAX_KEY_LENGTH} characters."]})
    return key


def _plain(data):
    if isinstance(data, QueryDict):
        return {key: data.getlist(key) for key in sorted(data)}
    return data


class _Abandon(Exception):
    def __init__(self, response: Response):
        self.response = response


def idempotent(view: APIView, request: Request, work: Callable[..., Response]) -> Response:
    """Run `work(reference=...)` at most once per `Idempotency-Key` of the caller.

    `reference` is a UUID that stands for the key (see `key_reference`): the
    work may hand it to a provider so that a retry names the same payment. The
    reply is kept in the same transaction as the work, so a kept reply always
    means the work committed, and no reply means nothing was done. Replies of
    5xx are not kept: the work was rolled back and a retry runs it again.
    """
    key = idempotency_key_from(request)
    user_id = request.user.pk
    fingerprint = request_fingerprint(
        method=request.method, path=request.path, body=_plain(request.data)
    )
    claim = idempotency_claim(
        user_id=user_id, key=key, fingerprint=fingerprint, path=request.path.rstrip("/")
    )
    record = claim.record
    if claim.replay:
        return Response(
            record.response_body,
            status=record.status_code,
            headers={"Idempotent-Replayed": "true"},
        )
    reference: uuid.UUID = key_reference(record=record)
    try:
        with transaction.atomic():
            try:
                response = work(reference=reference)
            except Exception as exc:
                response = view.handle_exception(exc)
            if response.status_code >= 500:
                raise _Abandon(response)
            body = json.loads(JSONRenderer().render(response.data) or b"null")
            if not idempotency_complete(record=record, status_code=response.status_code, body=body):
                raise IdempotencyKeyInFlight()
    except _Abandon as abandoned:
        idempotency_release(record=record)
        return abandoned.response
    except BaseException:
        idempotency_release(record=record)
        raise
    return response
