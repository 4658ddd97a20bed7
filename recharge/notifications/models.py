"""Announcements and in-app notifications, content pages, and contact messages (seed 004)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

__all__ = [
    "Announcement",
    "AnnouncementStatus",
    "ContactMessage",
    "Content",
    "ContentKind",
    "MessageCategory",
    "Notification",
    "NotificationType",
    "RecipientType",
    "SenderType",
    "SystemEvent",
    "SystemNotice",
]


class SenderType(models.TextChoices):
    ADMIN = "admin", "Staff"
    SYSTEM = "system", "The product"


class RecipientType(models.TextChoices):
    ALL_USERS = "all_users", "Every subscriber"
    PREPAID = "prepaid", "Prepaid subscribers"
    POSTPAID = "postpaid", "Postpaid subscribers"
    USER = "user", "One user"


class MessageCategory(models.TextChoices):
    """What a message is about, which decides the preference that lets it through."""

    SERVICE = "service", "Service information"
    PROMOTIONAL = "promotional", "Promotional offer"
    MARKETING = "marketing", "Marketing"


class AnnouncementStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled for later"
    PENDING = "pending", "Due, waiting for delivery"
    DELIVERING = "delivering", "Being delivered"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class NotificationType(models.TextChoices):
    ANNOUNCEMENT = "announcement", "Announcement"
    IN_APP = "in-app", "In-app"


class SystemEvent(models.TextChoices):
    AUTOPAY_CHARGED = "autopay_charged", "Autopay charged"
    AUTOPAY_FAILED = "autopay_failed", "Autopay failed"
    LOW_BALANCE = "low_balance", "Low wallet balance"
    PLAN_EXPIRING = "plan_expiring", "Plan expiring"
    REFERRAL_EARNED = "referral_earned", "Referral reward earned"


class Announcement(models.Model):
    """A message from staff to an audience, fanned out to in-app notifications when due.

    Delivery claims the row with a conditional UPDATE (a fresh `claim_token`) and
    moves `cursor` (the last recipient's user id) in the same transaction as each
    batch of notifications, so a crashed delivery resumes where it stopped and
    nobody receives an announcement twice.
    """

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sender_type = models.CharField(
        max_length=10, choices=SenderType.choices, default=SenderType.ADMIN
    )
    description = models.TextField()
    attachments = models.JSONField(default=dict, blank=True)
    category = models.CharField(
        max_length=12, choices=MessageCategory.choices, default=MessageCategory.SERVICE
    )
    recipient_type = models.CharField(max_length=10, choices=RecipientType.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=AnnouncementStatus.choices)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    deliver_after = models.DateTimeField(help_text="`scheduled_at`, or the creation time.")
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    cursor = models.BigIntegerField(
        default=0, editable=False, help_text="Delivered to every recipient up to this user id."
    )
    recipients_count = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "recharge"
        ordering = ("-id",)
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_type="user", recipient__isnull=False)
                | (~Q(recipient_type="user") & Q(recipient__isnull=True)),
                name="recharge_announcement_recipient_iff_user",
            ),
            models.CheckConstraint(
                condition=Q(recipient_type__in=RecipientType.values),
                name="recharge_announcement_recipient_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AnnouncementStatus.values),
                name="recharge_announcement_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(category__in=MessageCategory.values),
                name="recharge_announcement_category_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="recharge_announcement_delivered_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "deliver_after"])]

    def __str__(self) -> str:
        return f"announcement {self.pk} to {self.recipient_type}: {self.status}"

    @property
    def type(self) -> str:
        return NotificationType.ANNOUNCEMENT


class Notification(models.Model):
    """One message in one user's in-app inbox: an announcement's copy, or a system notice.

    An announcement's copy keeps no text of its own: it shows its announcement's.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recharge_notifications"
    )
    announcement = models.ForeignKey(
        Announcement, null=True, blank=True, on_delete=models.CASCADE, related_name="copies"
    )
    event = models.CharField(max_length=20, choices=SystemEvent.choices, blank=True)
    description = models.TextField(blank=True)
    data = models.JSONField(
        default=dict, blank=True, help_text="What a system notice is about (ids, amounts)."
    )
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "recharge"
        ordering = ("-id",)
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "user"],
                condition=Q(announcement__isnull=False),
                name="recharge_notification_one_copy_per_user",
            ),
            models.CheckConstraint(
                condition=(Q(announcement__isnull=False) & Q(event=""))
                | (Q(announcement__isnull=True) & ~Q(event="")),
                name="recharge_notification_announcement_xor_event",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-id"]),
            models.Index(
                fields=["user"],
                condition=Q(read_at__isnull=True),
                name="recharge_notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"notification {self.pk} for user {self.user_id}"

    # What seed 004 shows for a notification, whichever kind it is.
    @property
    def type(self) -> str:
        return NotificationType.ANNOUNCEMENT if self.announcement_id else NotificationType.IN_APP

    @property
    def sender_type(self) -> str:
        return self.announcement.sender_type if self.announcement_id else SenderType.SYSTEM

    @property
    def text(self) -> str:
        return self.announcement.description if self.announcement_id else self.description

    @property
    def recipient_type(self) -> str:
        return self.announcement.recipient_type if self.announcement_id else RecipientType.USER

    @property
    def recipient_id(self) -> int | None:
        return self.announcement.recipient_id if self.announcement_id else self.user_id

    @property
    def attachments(self) -> dict:
        return self.announcement.attachments if self.announcement_id else {}

    @property
    def scheduled_at(self):
        return self.announcement.scheduled_at if self.announcement_id else None

    @property
    def status(self) -> str:
        return "delivered"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class SystemNotice(models.Model):
    """That a system event was told to a user: the same event is never told twice.

    `window` tells apart the notices of one object (a plan's 3-day and 1-day reminders).
    Kept when the user deletes the in-app notification, so deleting does not resend it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=20, choices=SystemEvent.choices)
    object_id = models.BigIntegerField()
    window = models.CharField(max_length=16, blank=True)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channels = models.JSONField(default=list, blank=True, help_text="sms, email: where it went.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "recharge"
        ordering = ("-id",)
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event", "object_id", "window"],
                name="recharge_system_notice_once",
            ),
        ]
        indexes = [models.Index(fields=["event", "object_id"])]

    def __str__(self) -> str:
        return f"{self.event} {self.object_id} {self.window} to user {self.user_id}"


class ContentKind(models.TextChoices):
    FAQ = "FAQ", "FAQ"
    BANNER = "BANNER", "Banner"
    TERMS = "TERMS", "Terms and conditions"
    PRIVACY = "PRIVACY", "Privacy policy"
    HELP = "HELP", "Help"
    ABOUT = "ABOUT", "About"
    OTHER = "OTHER", "Other"


class Content(models.Model):
    """A page or block the apps show: an FAQ entry, a banner, the terms, help."""

    content_type = models.CharField(max_length=10, choices=ContentKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # Stored through the default storage; the name is ours (a random name with the
    # extension of the format Pillow found), never the uploader's.
    image = models.FileField(upload_to="content/", max_length=255, blank=True)
    image_filename = models.CharField(max_length=255, blank=True)
    is_published = models.BooleanField(default=True)
    published_from = models.DateTimeField(null=True, blank=True)
    published_until = models.DateTimeField(null=True, blank=True)
    position = models.IntegerField(default=0, help_text="Lower first within a content type.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "recharge"
        ordering = ("content_type", "position", "id")
        verbose_name_plural = "content"
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=ContentKind.values),
                name="recharge_content_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(published_from__isnull=True)
                | Q(published_until__isnull=True)
                | Q(published_until__gt=models.F("published_from")),
                name="recharge_content_window_ordered",
            ),
        ]
        indexes = [models.Index(fields=["is_published", "content_type", "position"])]

    def __str__(self) -> str:
        return f"{self.content_type}: {self.title}"


class ContactMessage(models.Model):
    """A message sent through the public contact form."""

    name = models.CharField(max_length=100)
    email = models.EmailField()
    description = models.TextField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who sent it, when signed in.",
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    resolved = models.BooleanField(default=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        app_label = "recharge"
        ordering = ("-id",)
        constraints = [
            models.CheckConstraint(
                condition=(Q(resolved=True) & Q(resolved_at__isnull=False))
                | (Q(resolved=False) & Q(resolved_at__isnull=True) & Q(resolved_by__isnull=True)),
                name="recharge_contact_resolved_has_time",
            ),
        ]
        indexes = [models.Index(fields=["resolved", "-created_at"])]

    def __str__(self) -> str:
        return f"contact {self.pk} from {self.email}"
