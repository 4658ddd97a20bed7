from dataclasses import dataclass
from functools import lru_cache

from ua_parser import parse


@dataclass(frozen=True)
class ClientDescription:
    device: str = ""
    browser: str = ""
    os: str = ""


def _name(part) -> str:
    if part is None or part.family == "Other":
        return ""
    return f"{part.family} {part.major}" if getattr(part, "major", None) else part.family


@lru_cache(maxsize=2048)
def describe(user_agent: str) -> ClientDescription:
    """Device, browser and OS named in a User-Agent header (empty parts when unknown)."""
    if not user_agent:
        return ClientDescription()
    result = parse(user_agent[:512])
    device = result.device.family if result.device and result.device.family != "Other" else ""
    return ClientDescription(
        device=device[:100], browser=_name(result.user_agent)[:100], os=_name(result.os)[:100]
    )
