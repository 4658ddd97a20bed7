"""Pieces the recharge views share: input parsing, public access, `Idempotency-Key`."""

import json
from collections.abc import Callable

from django.db import transaction
from django.http import QueryDict
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from config.openapi import ErrorSerializer
from recharge.errors import IdempotencyKeyInFlight
from recharge.pagination import SeedOrderingFilter
from recharge.services.idempotency import (
    idempotency_claim,
    idempotency_complete,
    idempotency_release,
    payment_reference,
    request_fingerprint,
)

FILTERS = [DjangoFilterBackend, SearchFilter, SeedOrderingFilter]

IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID) chosen by the client for this payment. A retry with the "
        "same key and body returns the first reply and moves no money; the same key with "
        "another body is refused (422); while the first request runs, 409. Kept 24 hours."
    ),
)
UNAVAILABLE = {
    503: OpenApiResponse(
        ErrorSerializer, description="The payment provider did not answer; nothing was charged."
    )
}


class PublicAccess:
    """Anyone may read these lists; a stale Authorization header is not in the way."""

    permission_classes = [AllowAny]
    authentication_classes: list = []


def parse(serializer_class, request: Request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _plain(data):
    if isinstance(data, QueryDict):
        return {key: data.getlist(key) for key in sorted(data)}
    return data


class _Abandon(Exception):
    def __init__(self, response: Response):
        self.response = response


def idempotent(view, request: Request, work: Callable[..., Response]) -> Response:
    """Run `work(reference=...)` at most once per `Idempotency-Key` of the caller.

    Without the header the work simply runs. With it, the reply is kept in the
    same transaction as the work, so a kept reply always means the work
    committed, and no reply means nothing was done. Replies of 5xx are not
    kept: the work was rolled back and a retry runs it again.
    """
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return work(reference=None)
    key = key.strip()
    if not key or len(key) > 255:
        raise ValidationError({"Idempotency-Key": ["Send between 1 and 255 characters."]})
    user_id = request.user.pk
    fingerprint = request_fingerprint(
        method=request.method, path=request.path, body=_plain(request.data)
    )
    claim = idempotency_claim(user_id=user_id, key=key, fingerprint=fingerprint)
    record = claim.record
    if claim.replay:
        return Response(
            record.response_body,
            status=record.status_code,
            headers={"Idempotent-Replayed": "true"},
        )
    reference = payment_reference(user_id=user_id, key=f"{key}:{record.pk}")
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
