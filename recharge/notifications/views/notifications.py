"""Announcements (staff) and each user's in-app notifications."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import error_responses
from config.pagination import BareListPagination
from config.permissions import ModelPermissions, permission_required
from recharge.notifications import selectors
from recharge.notifications import serializers as s
from recharge.notifications.filters import AnnouncementFilter, NotificationFilter
from recharge.notifications.models import Announcement, Notification
from recharge.notifications.services.announcements import (
    announcement_cancel,
    announcement_create,
)
from recharge.notifications.services.inbox import notifications_delete, notifications_mark_read
from recharge.views.common import FILTERS, parse

TAGS = ["notifications"]


class AnnouncementView(ListAPIView):
    """Staff: the announcements (view permission) and a new one (add permission)."""

    permission_classes = [ModelPermissions]
    queryset = Announcement.objects.all()
    serializer_class = s.AnnouncementSerializer
    filter_backends = FILTERS
    filterset_class = AnnouncementFilter
    search_fields = ["description"]
    ordering_fields = ["id", "created_at", "scheduled_at", "status"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.announcements()

    @extend_schema(
        tags=TAGS,
        summary="List announcements (admin)",
        responses={200: s.AnnouncementSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        tags=TAGS,
        summary="Create an announcement (admin)",
        description=(
            "Delivered to every user of `recipient_type` (all_users, prepaid, postpaid, or the "
            "`user` named by `recipient_id`) at `scheduled_at`, or at once without it. Each "
            "recipient gets one in-app notification, never two."
        ),
        request=s.AnnouncementCreateSerializer,
        responses={201: s.AnnouncementSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        data = parse(s.AnnouncementCreateSerializer, request)
        announcement = announcement_create(actor=request.user, **data)
        announcement.refresh_from_db()
        return Response(s.AnnouncementSerializer(announcement).data, status=status.HTTP_201_CREATED)


class AnnouncementCancelView(APIView):
    permission_classes = [permission_required("recharge.change_announcement")]

    @extend_schema(
        tags=TAGS,
        summary="Cancel an announcement that has not gone out (admin)",
        request=None,
        responses={200: s.AnnouncementSerializer, **error_responses(401, 403, 404, 409)},
    )
    def post(self, request: Request, announcement_id: int) -> Response:
        announcement = get_object_or_404(Announcement, pk=announcement_id)
        announcement = announcement_cancel(actor=request.user, announcement=announcement)
        return Response(s.AnnouncementSerializer(announcement).data)


class MyNotificationsView(ListAPIView):
    queryset = Notification.objects.none()  # for the schema; scoped to the caller below
    serializer_class = s.InboxNotificationSerializer
    pagination_class = BareListPagination
    filter_backends = FILTERS
    filterset_class = NotificationFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return selectors.notifications_of(self.request.user)

    @extend_schema(
        tags=TAGS,
        summary="My notifications",
        description=(
            "Newest first, as a bare array (seed 004); `skip` and `limit` page it. "
            "`/notification/unread-count` says how many are unread."
        ),
        responses={200: s.InboxNotificationSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class UnreadCountView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="How many of my notifications are unread",
        responses={200: s.InboxUnreadCountSerializer, **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        return Response({"unread_count": selectors.unread_count(user=request.user)})


class MarkReadView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Mark my notifications read",
        description="`id` or `ids`, or `all`: true. An id that is not mine answers 404.",
        request=s.InboxNotificationReadSerializer,
        responses={200: s.InboxReadResultSerializer, **error_responses(400, 401, 404)},
    )
    def post(self, request: Request) -> Response:
        data = parse(s.InboxNotificationReadSerializer, request)
        updated = notifications_mark_read(user=request.user, ids=data["ids"])
        return Response(
            {"updated": updated, "unread_count": selectors.unread_count(user=request.user)}
        )


class DeleteNotificationView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Delete my notification(s)",
        description=(
            "`id` (or `ids`) in the body, or `id` in the query. Only my own: another user's "
            "notification answers 404 and nothing is deleted."
        ),
        parameters=[
            OpenApiParameter(
                "id", OpenApiTypes.INT, description="The notification (or in the body)."
            )
        ],
        request=s.InboxNotificationIdsSerializer,
        responses={200: s.EMPTY_REPLY, **error_responses(400, 401, 404)},
    )
    def delete(self, request: Request) -> Response:
        body = request.data if request.data else request.query_params
        serializer = s.InboxNotificationIdsSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        notifications_delete(user=request.user, ids=serializer.validated_data["ids"])
        return Response({})
