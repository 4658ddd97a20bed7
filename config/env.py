"""Typed access to environment variables, so settings read like a table of knobs."""

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw in (None, "") else int(raw)


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def local_secret(path: Path, nbytes: int = 50) -> str:
    """A secret generated once and kept in a local file.

    The embedded default must run with no configuration at all, yet a secret
    baked into the code would be shared by every installation. A generated
    file keeps sessions and tokens valid across restarts on one machine.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        value = secrets.token_urlsafe(nbytes)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race; use its secret
            return path.read_text().strip()
        with os.fdopen(fd, "w") as fh:
            fh.write(value)
        return value


def derive_key(secret: str, purpose: str) -> str:
    """A 32-byte urlsafe-base64 key for one purpose, derived from a master secret."""
    digest = hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()
