import sys
import threading

from accounts.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Writes messages to standard output: the development default, never a log."""

    _lock = threading.Lock()

    def __init__(self, *args, stream=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout

    def send_messages(self, messages) -> int:
        with self._lock:
            for message in messages:
                self.stream.write(f"SMS to {message.to}\n{message.body}\n{'-' * 40}\n")
            self.stream.flush()
        return len(messages)
