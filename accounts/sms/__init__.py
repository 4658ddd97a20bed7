"""SMS delivery through pluggable backends, in the manner of Django's e-mail backends.

`SMS_BACKEND` names the class; `send_sms()` is the one way the product sends
a text message.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


def get_backend(path: str | None = None, **kwargs):
    return import_string(path or settings.SMS_BACKEND)(**kwargs)


def send_sms(to: str, body: str) -> int:
    """Send one message; returns how many were sent."""
    return get_backend().send_messages([SmsMessage(to=to, body=body)])
