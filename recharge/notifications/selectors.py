"""Reads of the notifications package, with the joins their replies need."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from recharge.notifications.models import Announcement, ContactMessage, Content, Notification


def notifications_of(user: User) -> QuerySet:
    return Notification.objects.filter(user=user).select_related("announcement")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def announcements() -> QuerySet:
    return Announcement.objects.all()


def contents() -> QuerySet:
    return Content.objects.all()


def published_contents(*, now=None) -> QuerySet:
    """What the public may see: published, and inside its publication window if it has one."""
    now = now or timezone.now()
    return Content.objects.filter(
        Q(is_published=True),
        Q(published_from__isnull=True) | Q(published_from__lte=now),
        Q(published_until__isnull=True) | Q(published_until__gt=now),
    )


def contact_messages() -> QuerySet:
    return ContactMessage.objects.all()
