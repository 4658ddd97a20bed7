"""Background jobs of notifications and content; each calls a service.

Imports of Django code stay inside the tasks: this module is loaded with the
package (see `__init__`), while the app registry is still being filled.
"""

from celery import shared_task


@shared_task(name="recharge.notifications.tasks.announcements_deliver_due")
def announcements_deliver_due_task() -> dict:
    from recharge.notifications.services.announcements import announcements_deliver_due

    return announcements_deliver_due()


@shared_task(name="recharge.notifications.tasks.announcement_deliver")
def announcement_deliver_task(announcement_id: int) -> int | None:
    from recharge.notifications.services.announcements import announcement_deliver

    return announcement_deliver(announcement_id=announcement_id)


@shared_task(name="recharge.notifications.tasks.system_notices_scan")
def system_notices_scan_task() -> dict:
    from recharge.notifications.services.notice_scans import system_notices_scan

    return system_notices_scan()


@shared_task(name="recharge.notifications.tasks.notification_send", ignore_result=True)
def notification_send_task(user_id: int, event: str, text: str, channels: list[str]) -> None:
    """Send a system notice by SMS and/or e-mail, through the same backends as the codes.

    The text travels with the task: the notice goes out even if its owner has
    already deleted the in-app copy.
    """
    from django.core.mail import send_mail

    from accounts.models import User
    from accounts.sms import send_sms
    from recharge.notifications.services.notices import SUBJECTS

    user = User.objects.filter(pk=user_id).only("mobile", "email").first()
    if user is None:
        return
    if "sms" in channels and user.mobile:
        send_sms(user.mobile, text)
    if "email" in channels and user.email:
        send_mail(SUBJECTS.get(event, "A message from us"), text, None, [user.email])


@shared_task(name="recharge.notifications.tasks.content_orphans_purge")
def content_orphans_purge_task() -> int:
    from recharge.notifications.services.content import content_orphans_purge

    return content_orphans_purge()
