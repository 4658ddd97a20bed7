"""Where apps that build on accounts plug in what accounts shows or announces.

Accounts depends on no app above it. Apps such as kyc register, when they
start, the functions accounts should call: this keeps the dependency pointing
one way while the seeds' user replies still show a KYC status.
"""

from collections.abc import Callable, Iterable

from django.db import transaction

_kyc_status_provider: Callable[[Iterable[int]], dict[int, str]] | None = None
_otp_listeners: dict[str, list[Callable[[str], None]]] = {}


def register_kyc_status_provider(provider: Callable[[Iterable[int]], dict[int, str]]) -> None:
    global _kyc_status_provider
    _kyc_status_provider = provider


def kyc_statuses(user_ids: Iterable[int]) -> dict[int, str]:
    """KYC status per user id, in one call; empty when no KYC app is installed."""
    ids = list(user_ids)
    if _kyc_status_provider is None or not ids:
        return {}
    return _kyc_status_provider(ids)


_kyc_counts_provider: Callable[[], dict[str, int]] | None = None


def register_kyc_counts_provider(provider: Callable[[], dict[str, int]]) -> None:
    global _kyc_counts_provider
    _kyc_counts_provider = provider


def kyc_counts() -> dict[str, int]:
    """How many people are KYC `verified` and `pending` overall; zeros without a KYC app."""
    if _kyc_counts_provider is None:
        return {"verified": 0, "pending": 0}
    return _kyc_counts_provider()


def register_otp_verified_listener(purpose_prefix: str, listener: Callable[[str], None]) -> None:
    """Call `listener(challenge_id)` after commit whenever a code of such a purpose is verified."""
    _otp_listeners.setdefault(purpose_prefix, []).append(listener)


def announce_otp_verified(*, challenge_id: str, purpose: str) -> None:
    for prefix, listeners in _otp_listeners.items():
        if purpose.startswith(prefix):
            for listener in listeners:
                transaction.on_commit(lambda fn=listener: fn(challenge_id), robust=True)


_referral_listeners: list[Callable[[int], None]] = []


def register_referral_listener(listener: Callable[[int], None]) -> None:
    """Call `listener(referee_id)` after commit when someone registers with a referee code."""
    _referral_listeners.append(listener)


def announce_referral(*, referee_id: int) -> None:
    for listener in _referral_listeners:
        transaction.on_commit(lambda fn=listener: fn(referee_id), robust=True)


_location_provider: Callable[[str, int], dict | None] | None = None


def register_location_provider(provider: Callable[[str, int], dict | None]) -> None:
    """`provider(kind, code)` describes a "district" or "thana" by its code, or None."""
    global _location_provider
    _location_provider = provider


def location_info(kind: str, code: int | None) -> dict | None:
    """A district or thana as the location reference data describes it; None when unknown."""
    if code is None or _location_provider is None:
        return None
    return _location_provider(kind, code)
