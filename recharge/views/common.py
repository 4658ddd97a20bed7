"""Pieces the recharge views share: input parsing, filters, public access, the 503 reply."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework.filters import SearchFilter
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from config.filters import DjangoFilterBackend
from config.openapi import ErrorSerializer
from recharge.pagination import SeedOrderingFilter

FILTERS = [DjangoFilterBackend, SearchFilter, SeedOrderingFilter]

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
