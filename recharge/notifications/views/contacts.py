"""Contact messages: anyone may send one; staff list them and mark them resolved."""

from contextlib import suppress

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import error_responses
from config.pagination import BareListPagination
from config.permissions import permission_required
from recharge.notifications import selectors
from recharge.notifications import serializers as s
from recharge.notifications.filters import ContactFilter
from recharge.notifications.models import ContactMessage
from recharge.notifications.services.contacts import (
    contact_set_resolved,
    contact_submit,
    contact_throttle,
)
from recharge.views.common import FILTERS, parse

TAGS = ["contact"]


class ContactsView(ListAPIView):
    """POST: public, a few an hour from one address. GET: staff with the view permission."""

    queryset = ContactMessage.objects.none()  # for the schema
    serializer_class = s.ContactMessageAdminSerializer
    pagination_class = BareListPagination
    filter_backends = FILTERS
    filterset_class = ContactFilter
    search_fields = ["name", "email", "description"]
    ordering_fields = ["id", "created_at", "resolved_at"]
    ordering_aliases = {"contact_id": "id"}
    ordering = ["-id"]

    def perform_authentication(self, request: Request) -> None:
        if request.method != "POST":
            return super().perform_authentication(request)
        # A public form: a stale token or session makes the sender anonymous, not refused.
        with suppress(APIException):
            request.user  # noqa: B018 - authenticates

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [permission_required("recharge.view_contactmessage")()]

    def get_queryset(self):
        return selectors.contact_messages()

    @extend_schema(
        tags=TAGS,
        summary="List contact messages (admin)",
        description="Filters: `resolved`, `date`, `date_from`, `date_to`, `email`; `search`.",
        responses={
            200: s.ContactMessageAdminSerializer(many=True),
            **error_responses(400, 401, 403),
        },
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        tags=TAGS,
        summary="Send a contact message (public)",
        request=s.ContactMessageCreateSerializer,
        responses={201: s.ContactMessageSerializer, **error_responses(400, 429)},
    )
    def post(self, request: Request) -> Response:
        contact_throttle()
        data = parse(s.ContactMessageCreateSerializer, request)
        contact = contact_submit(user=request.user, **data)
        return Response(s.ContactMessageSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactResolvedView(APIView):
    permission_classes = [permission_required("recharge.change_contactmessage")]

    @extend_schema(
        tags=TAGS,
        summary="Mark a contact message resolved (admin)",
        description="Records who resolved it and when; `resolved`: false opens it again.",
        request=s.ContactMessageResolveSerializer,
        responses={
            200: s.ContactMessageAdminSerializer,
            **error_responses(400, 401, 403, 404, 409),
        },
    )
    def patch(self, request: Request, contact_id: int) -> Response:
        contact = get_object_or_404(ContactMessage, pk=contact_id)
        data = parse(s.ContactMessageResolveSerializer, request)
        contact = contact_set_resolved(
            actor=request.user, contact=contact, resolved=data["resolved"]
        )
        return Response(s.ContactMessageAdminSerializer(contact).data)
