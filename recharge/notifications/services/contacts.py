"""Contact messages: anyone may write one (a few an hour from one address); staff resolve them."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit import context as request_context
from audit.services import audit_record
from config import ratelimit
from config.exceptions import Conflict
from config.ratelimit import Rule
from recharge.notifications.models import ContactMessage


def submissions_rule() -> Rule:
    per_hour = getattr(settings, "CONTACT_MESSAGES_PER_IP_PER_HOUR", 5)
    return Rule("contact-ip", limit=per_hour, window=3600)


def contact_throttle() -> None:
    """Count one submission from the caller's address; 429 past the hourly limit."""
    ratelimit.consume(
        submissions_rule(),
        request_context.current().ip or "unknown",
        "Too many messages from this address; try again later.",
    )


def contact_submit(*, name: str, email: str, description: str, user: User | None) -> ContactMessage:
    return ContactMessage.objects.create(
        name=name,
        email=email.lower(),
        description=description,
        user=user if user is not None and user.is_authenticated else None,
        ip=request_context.current().ip,
    )


def contact_set_resolved(*, actor: User, contact: ContactMessage, resolved: bool) -> ContactMessage:
    """Mark a message resolved (who and when), or open it again."""
    with transaction.atomic():
        contact = ContactMessage.objects.select_for_update().get(pk=contact.pk)
        if contact.resolved == resolved:
            raise Conflict(
                "The message is resolved already." if resolved else "The message is not resolved."
            )
        before = {
            "resolved": contact.resolved,
            "resolved_by": contact.resolved_by_id,
            "resolved_at": contact.resolved_at.isoformat() if contact.resolved_at else None,
        }
        contact.resolved = resolved
        contact.resolved_at = timezone.now() if resolved else None
        contact.resolved_by = actor if resolved else None
        contact.save(update_fields=["resolved", "resolved_at", "resolved_by"])
        audit_record(
            action="recharge.contact_resolved" if resolved else "recharge.contact_reopened",
            actor=actor,
            target=contact,
            before=before,
            after={
                "resolved": contact.resolved,
                "resolved_by": contact.resolved_by_id,
                "resolved_at": contact.resolved_at.isoformat() if contact.resolved_at else None,
            },
        )
    return contact
