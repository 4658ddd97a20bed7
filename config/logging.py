"""Last line of defence against secrets in log lines.

Code never logs secrets on purpose; this filter catches the accident (a
token inside an exception message, a password echoed by a library).
"""

import logging
import re

_PATTERNS = [
    # JSON Web Tokens (base64url parts, the first a JSON header), whole or cut short.
    (re.compile(r"eyJ[\w-]{5,}(?:\.[\w-]*){0,2}"), "[REDACTED-JWT]"),
    # Bearer credentials in a header dump.
    (re.compile(r"(?i)(bearer\s+)[\w.~+/=-]+"), r"\1[REDACTED]"),
    # key=value or "key": "value" pairs whose key names a secret. The pattern
    # starts at the secret word itself (not at every word), which keeps it fast.
    (
        re.compile(
            r"(?i)(password|passwd|secret|token|otp|api[_-]?key|authorization)"
            r"([\w-]*[\"']?\s*[:=]\s*[\"']?)([^\s\"',;&}]+)"
        ),
        r"\1\2[REDACTED]",
    ),
    # Twelve-digit runs (Aadhaar-shaped) keep only their last four digits.
    (re.compile(r"(?<!\d)\d{4}[ -]?\d{4}[ -]?(\d{4})(?!\d)"), r"XXXX-XXXX-\1"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


SECRET_KEY_NAMES = re.compile(
    r"(?i)(password|passwd|secret|token|otp|api[_-]?key|authorization|cookie|signature)"
)
REDACTED = "[REDACTED]"


def redact_mapping(value):
    """A copy of a JSON-like value with the values of secret-named keys replaced."""
    if isinstance(value, dict):
        return {
            key: REDACTED
            if isinstance(key, str) and SECRET_KEY_NAMES.search(key)
            else redact_mapping(item)
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [redact_mapping(item) for item in value]
    return value
