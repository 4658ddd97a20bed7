"""Requests and replies of notifications, content and contact messages, named as seed 004 names them."""

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

from recharge.notifications.models import (
    AnnouncementStatus,
    ContentKind,
    MessageCategory,
    NotificationType,
    RecipientType,
    SenderType,
    SystemEvent,
)
from recharge.serializers.fields import JSONObjectField, choice_field, choice_out

ATTACHMENTS_MAX_BYTES = 8 * 1024
IDS_MAX = 100
# Seed 004 answers a deletion with `{}`.
EMPTY_REPLY = OpenApiResponse(OpenApiTypes.OBJECT, description="`{}`")


def string_id() -> serializers.CharField:
    """The row's id as seed 004 shows `_id`: a string (its ids were document ids)."""
    return serializers.CharField(source="pk", read_only=True)


# --- Announcements and notifications ----------------------------------------------


class AnnouncementCreateSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    attachments = JSONObjectField(
        required=False,
        default=dict,
        help_text="Any JSON object (links, image URLs) shown with the message; at most 8 KB.",
    )
    scheduled_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When to deliver it; now when left out."
    )
    recipient_type = choice_field(RecipientType.choices)
    recipient_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="The user, for `user` only."
    )
    category = choice_field(
        MessageCategory.choices,
        required=False,
        default=MessageCategory.SERVICE,
        help_text=(
            "service (default): everyone in the audience; promotional: only those who accept "
            "promotional offers; marketing: only those who accept marketing."
        ),
    )

    def validate_attachments(self, value: dict) -> dict:
        if len(json.dumps(value)) > ATTACHMENTS_MAX_BYTES:
            raise serializers.ValidationError("At most 8 KB of attachments.")
        return value


class AnnouncementSerializer(serializers.Serializer):
    _id = string_id()
    sender_type = choice_out(SenderType.choices)
    sender_id = serializers.IntegerField(read_only=True, allow_null=True)
    description = serializers.CharField(read_only=True)
    recipient_type = choice_out(RecipientType.choices)
    recipient_id = serializers.IntegerField(read_only=True, allow_null=True)
    category = choice_out(MessageCategory.choices)
    status = choice_out(AnnouncementStatus.choices)
    type = choice_out([NotificationType.ANNOUNCEMENT])
    attachments = JSONObjectField(read_only=True)
    recipients_count = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    scheduled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    delivered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    cancelled_at = serializers.DateTimeField(read_only=True, allow_null=True)


class InboxNotificationSerializer(serializers.Serializer):
    _id = string_id()
    sender_type = choice_out(SenderType.choices)
    description = serializers.CharField(source="text", read_only=True)
    recipient_type = choice_out(RecipientType.choices)
    recipient_id = serializers.IntegerField(read_only=True, allow_null=True)
    status = choice_out(["delivered"])
    type = choice_out(NotificationType.choices)
    event = choice_out(SystemEvent.choices)
    attachments = JSONObjectField(read_only=True)
    data = JSONObjectField(read_only=True)
    read = serializers.BooleanField(source="is_read", read_only=True)
    read_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    scheduled_at = serializers.DateTimeField(read_only=True, allow_null=True)


class InboxNotificationIdsSerializer(serializers.Serializer):
    """`id` (seed 004) or `ids`: the caller's notifications to act on."""

    id = serializers.IntegerField(required=False, min_value=1)
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=IDS_MAX,
        allow_empty=False,
    )

    def validate(self, attrs):
        ids = list(attrs.get("ids") or [])
        if "id" in attrs:
            ids.append(attrs["id"])
        if not ids:
            raise serializers.ValidationError({"id": ["Give `id` or `ids`."]})
        return {"ids": sorted(set(ids))}


class InboxNotificationReadSerializer(InboxNotificationIdsSerializer):
    all = serializers.BooleanField(required=False, default=False, help_text="Mark every one read.")

    def validate(self, attrs):
        if attrs.get("all"):
            return {"ids": None}
        return super().validate(attrs)


class InboxReadResultSerializer(serializers.Serializer):
    updated = serializers.IntegerField()
    unread_count = serializers.IntegerField()


class InboxUnreadCountSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()


# --- Content --------------------------------------------------------------------


@extend_schema_field({"type": "string", "nullable": True, "example": "/media/content/faq.png"})
class ImageUrlField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.url if value else None


class ContentItemSerializer(serializers.Serializer):
    _id = string_id()
    content_type = choice_out(ContentKind.choices)
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    image_url = ImageUrlField(source="image", allow_null=True)
    image_filename = serializers.CharField(read_only=True)
    is_published = serializers.BooleanField(read_only=True)
    published_from = serializers.DateTimeField(read_only=True, allow_null=True)
    published_until = serializers.DateTimeField(read_only=True, allow_null=True)
    position = serializers.IntegerField(read_only=True)
    created_by = serializers.IntegerField(source="created_by_id", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    updated_by = serializers.IntegerField(source="updated_by_id", read_only=True, allow_null=True)


class PublicContentItemSerializer(serializers.Serializer):
    _id = string_id()
    content_type = choice_out(ContentKind.choices)
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    image_url = ImageUrlField(source="image", allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)


class ContentItemWriteSerializer(serializers.Serializer):
    """multipart/form-data (with `image`) or JSON; on edit, fields left out keep their values."""

    content_type = choice_field(ContentKind.choices)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=50000, required=False, allow_blank=True, default="")
    image = serializers.FileField(
        required=False,
        help_text="PNG, JPEG, WebP or GIF; at most 5 MB and 4096 x 4096 pixels.",
    )
    remove_image = serializers.BooleanField(
        required=False, default=False, help_text="On edit: drop the current image."
    )
    is_published = serializers.BooleanField(
        required=False, default=True, help_text="Shown in the public list (default true)."
    )
    published_from = serializers.DateTimeField(required=False, allow_null=True)
    published_until = serializers.DateTimeField(required=False, allow_null=True)
    position = serializers.IntegerField(
        required=False, default=0, min_value=-100000, max_value=100000
    )


# --- Contact messages -------------------------------------------------------------


class ContactMessageCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    email = serializers.EmailField(max_length=254)
    description = serializers.CharField(min_length=3, max_length=2000)


class ContactMessageSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    description = serializers.CharField(read_only=True)
    _id = string_id()
    created_at = serializers.DateTimeField(read_only=True)
    resolved = serializers.BooleanField(read_only=True)


class ContactMessageAdminSerializer(ContactMessageSerializer):
    resolved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    resolved_by = serializers.IntegerField(source="resolved_by_id", read_only=True, allow_null=True)
    user_id = serializers.IntegerField(read_only=True, allow_null=True)


class ContactMessageResolveSerializer(serializers.Serializer):
    resolved = serializers.BooleanField(
        required=False, default=True, help_text="false opens the message again."
    )
