"""Announcements: staff write one, and it reaches its audience's inboxes when due.

Delivery is safe to run from several workers, the beat task, the management
command and the creating request at once:

1. claim: one conditional UPDATE moves a due announcement to `delivering` with
   a fresh claim token (or takes over a claim whose worker went quiet);
2. fan out in batches, each one transaction: read the next recipients' ids
   after `cursor`, move `cursor` past them (only while the claim is still ours),
   and bulk-insert their notifications; a unique (announcement, user) row is the
   last line, so nobody ever holds two copies;
3. mark it delivered and record the audit event.

A crash leaves the announcement `delivering` with the batches done so far; after
`RECHARGE_ANNOUNCEMENT_CLAIM_STALE_MINUTES` another run takes it over and goes on
from `cursor`.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import AccountStatus, User, UserPreference
from audit.services import audit_record
from config.exceptions import Conflict
from config.tasks import enqueue_on_commit
from recharge.notifications.models import (
    Announcement,
    AnnouncementStatus,
    MessageCategory,
    Notification,
    RecipientType,
    SenderType,
)

# Blocked users may be let back in, and then find what was announced meanwhile.
REACHABLE = [AccountStatus.ACTIVE, AccountStatus.BLOCKED]
# How far in the past `scheduled_at` may be (clock skew); earlier is a mistake.
PAST_TOLERANCE = timedelta(minutes=5)
# The preference a category needs.
CATEGORY_PREFERENCE = {
    MessageCategory.PROMOTIONAL: "promotional_offers",
    MessageCategory.MARKETING: "marketing_communication",
}


def batch_size() -> int:
    return getattr(settings, "RECHARGE_ANNOUNCEMENT_BATCH_SIZE", 1000)


def claim_stale_after() -> timedelta:
    return timedelta(minutes=getattr(settings, "RECHARGE_ANNOUNCEMENT_CLAIM_STALE_MINUTES", 15))


def opted_in(field: str) -> Q:
    """Users whose preference `field` is on, counting those who never saved preferences."""
    stored = UserPreference.objects.filter(user_id=OuterRef("pk"))
    if UserPreference._meta.get_field(field).default:
        return ~Exists(stored.filter(**{field: False}))
    return Exists(stored.filter(**{field: True}))


def audience(announcement: Announcement) -> QuerySet:
    """The users an announcement reaches, as of now."""
    users = User.objects.filter(status__in=REACHABLE)
    kind = announcement.recipient_type
    if kind == RecipientType.USER:
        users = users.filter(pk=announcement.recipient_id)
    elif kind == RecipientType.ALL_USERS:
        users = users.exclude(subscriber_type="")
    else:
        users = users.filter(subscriber_type=kind)
    preference = CATEGORY_PREFERENCE.get(announcement.category)
    if preference:
        users = users.filter(opted_in(preference))
    return users


def announcement_create(
    *,
    actor: User,
    description: str,
    recipient_type: str,
    recipient_id: int | None = None,
    attachments: dict | None = None,
    scheduled_at=None,
    category: str = MessageCategory.SERVICE,
) -> Announcement:
    """Record an announcement; it goes out at `scheduled_at`, or at once when there is none."""
    now = timezone.now()
    if recipient_type == RecipientType.USER:
        if recipient_id is None:
            raise ValidationError({"recipient_id": ["Name the user to tell."]})
        if not User.objects.filter(pk=recipient_id, status__in=REACHABLE).exists():
            raise ValidationError({"recipient_id": ["No such user."]})
    elif recipient_id is not None:
        raise ValidationError(
            {"recipient_id": ["Only for `recipient_type` user; leave it out for a group."]}
        )
    if scheduled_at is not None and scheduled_at < now - PAST_TOLERANCE:
        raise ValidationError({"scheduled_at": ["This time has passed."]})
    due_now = scheduled_at is None or scheduled_at <= now
    with transaction.atomic():
        announcement = Announcement.objects.create(
            sender=actor,
            sender_type=SenderType.ADMIN,
            description=description,
            attachments=attachments or {},
            category=category,
            recipient_type=recipient_type,
            recipient_id=recipient_id,
            status=AnnouncementStatus.PENDING if due_now else AnnouncementStatus.SCHEDULED,
            scheduled_at=scheduled_at,
            deliver_after=scheduled_at if scheduled_at is not None else now,
        )
        audit_record(
            action="recharge.announcement_created",
            actor=actor,
            target=announcement,
            after={
                "recipient_type": recipient_type,
                "recipient_id": recipient_id,
                "category": category,
                "scheduled_at": scheduled_at.isoformat() if scheduled_at else None,
                "description": description[:200],
            },
        )
        if due_now:
            enqueue_on_commit("recharge.notifications.tasks.announcement_deliver", announcement.pk)
    return announcement


def announcement_cancel(*, actor: User, announcement: Announcement) -> Announcement:
    """Stop an announcement that has not started going out."""
    with transaction.atomic():
        cancelled = Announcement.objects.filter(
            pk=announcement.pk,
            status__in=[AnnouncementStatus.SCHEDULED, AnnouncementStatus.PENDING],
        ).update(status=AnnouncementStatus.CANCELLED, cancelled_at=timezone.now())
        if not cancelled:
            raise Conflict("Only an announcement that has not gone out can be cancelled.")
        before = announcement.status
        announcement.refresh_from_db()
        audit_record(
            action="recharge.announcement_cancelled",
            actor=actor,
            target=announcement,
            before={"status": before},
            after={"status": announcement.status},
        )
    return announcement


def _claimable(now) -> Q:
    return Q(
        status__in=[AnnouncementStatus.SCHEDULED, AnnouncementStatus.PENDING],
        deliver_after__lte=now,
    ) | Q(status=AnnouncementStatus.DELIVERING, claimed_at__lt=now - claim_stale_after())


def due_announcements(*, now=None) -> QuerySet:
    return Announcement.objects.filter(_claimable(now or timezone.now()))


def announcement_deliver(*, announcement_id: int, now=None, size: int | None = None) -> int | None:
    """Deliver one announcement if it is due and nobody else is: how many received it, or None."""
    now = now or timezone.now()
    size = size or batch_size()
    token = uuid.uuid4()
    claimed = Announcement.objects.filter(Q(pk=announcement_id) & _claimable(now)).update(
        status=AnnouncementStatus.DELIVERING, claim_token=token, claimed_at=timezone.now()
    )
    if not claimed:
        return None
    announcement = Announcement.objects.get(pk=announcement_id)
    recipients = audience(announcement).order_by("pk").values_list("pk", flat=True)
    cursor = announcement.cursor
    while True:
        with transaction.atomic():
            ids = list(recipients.filter(pk__gt=cursor)[:size])
            if not ids:
                break
            # Locks the row; refused when another run has taken the claim over.
            moved = Announcement.objects.filter(pk=announcement_id, claim_token=token).update(
                cursor=ids[-1],
                recipients_count=F("recipients_count") + len(ids),
                claimed_at=timezone.now(),
            )
            if not moved:
                return None
            Notification.objects.bulk_create(
                [Notification(user_id=user_id, announcement_id=announcement_id) for user_id in ids],
                ignore_conflicts=True,
            )
            cursor = ids[-1]
    with transaction.atomic():
        done = Announcement.objects.filter(pk=announcement_id, claim_token=token).update(
            status=AnnouncementStatus.DELIVERED,
            delivered_at=timezone.now(),
            claim_token=None,
        )
        if not done:
            return None
        announcement.refresh_from_db()
        audit_record(
            action="recharge.announcement_delivered",
            target=announcement,
            after={"recipients": announcement.recipients_count},
        )
    return announcement.recipients_count


def announcements_deliver_due(*, now=None, limit: int = 100) -> dict:
    """Deliver every due announcement (at most `limit`): the work of the beat task and command."""
    now = now or timezone.now()
    ids = list(
        due_announcements(now=now)
        .order_by("deliver_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    delivered = recipients = 0
    for announcement_id in ids:
        count = announcement_deliver(announcement_id=announcement_id, now=now)
        if count is not None:
            delivered += 1
            recipients += count
    return {"delivered": delivered, "recipients": recipients}
