"""Routes of notifications, content and contact messages, appended to the recharge app's."""

from django.urls import include, path

from config.routing import OptionalSlashRouter, api_path
from recharge.notifications.views import contacts, content, notifications

router = OptionalSlashRouter()
router.register("content/admin", content.ContentAdminViewSet, basename="content-admin")

urlpatterns = [
    *api_path(
        "notification/announcement",
        notifications.AnnouncementView.as_view(),
        "notification-announcements",
    ),
    *api_path(
        "notification/announcement/<int:announcement_id>/cancel",
        notifications.AnnouncementCancelView.as_view(),
        "notification-announcement-cancel",
    ),
    *api_path("notification/my", notifications.MyNotificationsView.as_view(), "notification-my"),
    *api_path(
        "notification/unread-count",
        notifications.UnreadCountView.as_view(),
        "notification-unread-count",
    ),
    *api_path("notification/read", notifications.MarkReadView.as_view(), "notification-read"),
    *api_path(
        "notification/delete",
        notifications.DeleteNotificationView.as_view(),
        "notification-delete",
    ),
    *api_path("content", content.PublicContentView.as_view(), "content-public"),
    *api_path("contact-from/contacts", contacts.ContactsView.as_view(), "contacts"),
    *api_path(
        "contact-from/contacts/<int:contact_id>/resolved",
        contacts.ContactResolvedView.as_view(),
        "contact-resolved",
    ),
    path("", include(router.urls)),
]
