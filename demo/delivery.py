"""While the demo runs, codes and notices stay in memory instead of going out.

The KYC submissions are confirmed with the code the OTP service sends, as a
person would, so the demo reads it from the in-memory outbox. Tasks run in this
process (as with no broker), so nothing waits in a queue for a worker.
"""

import logging
import re
from contextlib import contextmanager

from celery import current_app
from django.core import mail
from django.test.utils import override_settings

from accounts.sms.backends import locmem as sms_outbox

_CODE = re.compile(r"\b(\d{6})\b")


@contextmanager
def kept_in_memory():
    # Each in-process task would log a line; the demo prints its own summary instead.
    task_log = logging.getLogger("celery.app.trace")
    level = task_log.level
    task_log.setLevel(logging.WARNING)
    conf = current_app.conf
    eager, propagates = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, True
    try:
        with override_settings(
            SMS_BACKEND="accounts.sms.backends.locmem.SmsBackend",
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}},
        ):
            yield
    finally:
        conf.task_always_eager, conf.task_eager_propagates = eager, propagates
        task_log.setLevel(level)


def latest_code(destination: str) -> str:
    """The newest code texted to a number (E.164) or e-mailed to an address."""
    for message in reversed(sms_outbox.outbox):
        if message.to == destination and (found := _CODE.search(message.body)):
            return found.group(1)
    for message in reversed(getattr(mail, "outbox", [])):
        if destination in message.to and (found := _CODE.search(message.body)):
            return found.group(1)
    raise LookupError(f"No code was sent to {destination}.")
