"""A user's own in-app notifications: marking them read and deleting them.

Ids that are not the caller's are answered like ids that do not exist (404),
and then nothing is changed, so nobody learns which ids other users hold.
"""

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from recharge.notifications.models import Notification


def _own(user: User, ids: list[int]):
    """The caller's notifications among `ids`; 404 unless every id is one of them."""
    wanted = set(ids)
    found = Notification.objects.filter(user=user, pk__in=wanted)
    if found.count() != len(wanted):
        raise Http404
    return found


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the given notifications read (all unread ones when `ids` is None): how many changed."""
    with transaction.atomic():
        queryset = (
            Notification.objects.filter(user=user) if ids is None else _own(user, ids)
        ).filter(read_at__isnull=True)
        return queryset.update(read_at=timezone.now())


def notifications_delete(*, user: User, ids: list[int]) -> int:
    """Delete the caller's notifications; the system's record that they were sent stays."""
    with transaction.atomic():
        deleted, _ = _own(user, ids).delete()
    return deleted
