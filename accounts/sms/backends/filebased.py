import os
import uuid
from pathlib import Path

from django.conf import settings

from accounts.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """One file per message under `SMS_FILE_PATH`, like Django's file e-mail backend."""

    def __init__(self, *args, file_path: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.file_path = Path(file_path or settings.SMS_FILE_PATH)
        self.file_path.mkdir(parents=True, exist_ok=True)

    def send_messages(self, messages) -> int:
        for message in messages:
            target = self.file_path / f"{uuid.uuid4().hex}.sms"
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(f"To: {message.to}\n\n{message.body}\n")
        return len(messages)
