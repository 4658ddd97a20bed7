"""Content: staff CRUD with an image (multipart), and the public list of what is published."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from config.inputs import FormParser, JSONParser, MultiPartParser
from config.openapi import error_responses
from config.permissions import ModelPermissions
from recharge.notifications import selectors
from recharge.notifications import serializers as s
from recharge.notifications.filters import ContentFilter, PublicContentFilter
from recharge.notifications.models import Content
from recharge.notifications.services.content import (
    content_create,
    content_delete,
    content_update,
)
from recharge.pagination import envelope
from recharge.views.common import FILTERS, PublicAccess, parse

TAGS = ["content"]
ContentEnvelope = envelope("items", 10)


def _split(data: dict) -> tuple[dict, object, bool]:
    data = dict(data)
    return data, data.pop("image", None), data.pop("remove_image", False)


@extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        summary="List content (admin)",
        responses={200: s.ContentItemSerializer(many=True), **error_responses(400, 401, 403)},
    ),
    retrieve=extend_schema(
        tags=TAGS,
        summary="Get content (admin)",
        responses={200: s.ContentItemSerializer, **error_responses(401, 403, 404)},
    ),
)
class ContentAdminViewSet(viewsets.GenericViewSet):
    """The model's view/add/change/delete permission by method; PUT edits."""

    permission_classes = [ModelPermissions]
    queryset = Content.objects.all()
    serializer_class = s.ContentItemSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    pagination_class = ContentEnvelope
    filter_backends = FILTERS
    filterset_class = ContentFilter
    search_fields = ["title", "body"]
    ordering_fields = ["id", "content_type", "title", "position", "created_at", "updated_at"]
    ordering_aliases = {"content_id": "id"}
    ordering = ["-id"]
    lookup_url_kwarg = "content_id"
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.contents()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, **kwargs) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        tags=TAGS,
        summary="Create content (admin)",
        description="multipart/form-data with an optional `image` (PNG, JPEG, WebP, GIF).",
        request={
            "multipart/form-data": s.ContentItemWriteSerializer,
            "application/json": s.ContentItemWriteSerializer,
        },
        responses={201: s.ContentItemSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request: Request) -> Response:
        data, image, _ = _split(parse(s.ContentItemWriteSerializer, request))
        content = content_create(actor=request.user, data=data, image=image)
        return Response(s.ContentItemSerializer(content).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="Edit content (admin)",
        description=(
            "Fields left out keep their values; a new `image` replaces the old one, "
            "`remove_image`=true drops it."
        ),
        request={
            "multipart/form-data": s.ContentItemWriteSerializer,
            "application/json": s.ContentItemWriteSerializer,
        },
        responses={200: s.ContentItemSerializer, **error_responses(400, 401, 403, 404)},
    )
    def update(self, request: Request, **kwargs) -> Response:
        content = self.get_object()
        if not request.data:
            # Nothing to change is a client's mistake, not an edit to record.
            raise ValidationError({"non_field_errors": ["Send at least one field to change."]})
        data, image, remove_image = _split(
            parse(s.ContentItemWriteSerializer, request, partial=True)
        )
        content = content_update(
            actor=request.user,
            content=content,
            data=data,
            image=image,
            remove_image=remove_image,
        )
        return Response(s.ContentItemSerializer(content).data)

    @extend_schema(
        tags=TAGS,
        summary="Delete content (admin)",
        responses={200: s.EMPTY_REPLY, **error_responses(401, 403, 404)},
    )
    def destroy(self, request: Request, **kwargs) -> Response:
        content_delete(actor=request.user, content=self.get_object())
        return Response({})


class PublicContentView(PublicAccess, ListAPIView):
    serializer_class = s.PublicContentItemSerializer
    pagination_class = ContentEnvelope
    filter_backends = FILTERS
    filterset_class = PublicContentFilter
    search_fields = ["title", "body"]
    ordering_fields = ["id", "content_type", "position", "updated_at"]
    ordering = ["content_type", "position", "id"]

    def get_queryset(self):
        return selectors.published_contents()

    @extend_schema(
        tags=TAGS,
        summary="Published content (public)",
        description="Only published content inside its publication window; `content_type` filters.",
        responses={200: s.PublicContentItemSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)
