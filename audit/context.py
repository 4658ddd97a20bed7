"""Who is asking, from where: set once per request, read by the audit service."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    user_agent: str = ""


EMPTY = RequestContext()
_current: ContextVar[RequestContext] = ContextVar("request_context", default=EMPTY)


def current() -> RequestContext:
    return _current.get()


def activate(context: RequestContext):
    return _current.set(context)


def deactivate(token) -> None:
    _current.reset(token)
