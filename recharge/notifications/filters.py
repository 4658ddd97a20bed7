"""Query filters of the notification, content and contact lists."""

import django_filters as df

from recharge.notifications.models import Announcement, ContactMessage, Content, Notification


class AnnouncementFilter(df.FilterSet):
    class Meta:
        model = Announcement
        fields = ["status", "recipient_type", "category", "recipient_id"]


class NotificationFilter(df.FilterSet):
    unread = df.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", help_text="true: only unread ones."
    )

    class Meta:
        model = Notification
        fields = ["unread", "event"]


class ContentFilter(df.FilterSet):
    content_type = df.CharFilter(lookup_expr="iexact")
    title = df.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Content
        fields = ["content_type", "title", "is_published"]


class PublicContentFilter(df.FilterSet):
    content_type = df.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Content
        fields = ["content_type"]


class ContactFilter(df.FilterSet):
    date = df.DateFilter(field_name="created_at", lookup_expr="date", help_text="Sent that day.")
    date_from = df.DateFilter(field_name="created_at", lookup_expr="date__gte")
    date_to = df.DateFilter(field_name="created_at", lookup_expr="date__lte")
    email = df.CharFilter(lookup_expr="iexact")

    class Meta:
        model = ContactMessage
        fields = ["resolved", "date", "date_from", "date_to", "email"]
