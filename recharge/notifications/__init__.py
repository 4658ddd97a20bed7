"""Notifications, announcements, content and contact messages of the recharge product.

Celery's autodiscovery imports only `recharge.tasks`; the package registers its
own tasks when it is loaded (the tasks module imports nothing of Django's at its
top, so this is safe while the app registry is still filling).
"""

from recharge.notifications import tasks  # noqa: F401
