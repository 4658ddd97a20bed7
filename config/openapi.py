"""Pieces the OpenAPI schema shares: the error shape and common replies."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Present only for validation errors: messages per field.",
    )


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()


_DESCRIPTIONS = {
    400: "Invalid input; `errors` names each field.",
    401: "Not signed in, or the token is invalid or its session has ended.",
    403: "Signed in but not allowed.",
    404: "No such object, or not visible to the caller.",
    409: "Conflicts with the current state.",
    422: "Understood but cannot be processed.",
    429: "Too many attempts; see the Retry-After header.",
}


def error_responses(*statuses: int) -> dict:
    """Response entries for `extend_schema(responses=...)`, all in the one error shape."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[status])
        for status in statuses
    }
