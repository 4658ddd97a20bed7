"""Detection of hostile sign-in patterns, fed by the sign-in events as they happen; payment anomalies.

Each finding is a `SuspiciousActivity` row with its threat level and the
action taken. The worst patterns block the address for a while; a blocked
address is refused at sign-in.
"""

import logging
from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import (
    ActionTaken,
    ActivityKind,
    BlockedIP,
    LoginActivity,
    LoginEvent,
    SuspiciousActivity,
    ThreatLevel,
    User,
)
from accounts.sms import send_sms
from audit.services import audit_record

logger = logging.getLogger("security")

WINDOW = timedelta(minutes=15)
IP_BLOCK = timedelta(hours=1)
REPEATED_FAILURES = 5  # on one identifier (the lock of the sign-in rules engages too)
STUFFING_IDENTIFIERS = 10  # distinct identifiers failing from one address
OTP_FAILURES = 10  # wrong codes from one address
NEW_DEVICE_MEMORY = timedelta(days=90)


def ip_blocked_until(ip: str | None):
    if not ip:
        return None
    block = (
        BlockedIP.objects.filter(ip=ip, blocked_until__gt=timezone.now())
        .order_by("-blocked_until")
        .first()
    )
    return block.blocked_until if block else None


def _recent(kind: ActivityKind, **match) -> bool:
    return SuspiciousActivity.objects.filter(
        kind=kind, detected_at__gte=timezone.now() - WINDOW, **match
    ).exists()


def _record(**fields) -> SuspiciousActivity:
    return SuspiciousActivity.objects.create(**fields)


def _block_ip(ip: str, activity: SuspiciousActivity, reason: str) -> None:
    if ip_blocked_until(ip) is None:
        BlockedIP.objects.create(
            ip=ip, reason=reason, blocked_until=timezone.now() + IP_BLOCK, activity=activity
        )


def security_after_failed_login(*, identifier: str, user: User | None, ip: str | None) -> None:
    """Look at a failed sign-in in the light of the ones before it (inside its transaction)."""
    since = timezone.now() - WINDOW
    failures = LoginActivity.objects.filter(event=LoginEvent.LOGIN_FAILED, created_at__gte=since)
    if (
        identifier
        and failures.filter(identifier=identifier).count() >= REPEATED_FAILURES
        and not _recent(ActivityKind.MULTIPLE_FAILED_LOGINS, identifier=identifier)
    ):
        _record(
            kind=ActivityKind.MULTIPLE_FAILED_LOGINS,
            threat_level=ThreatLevel.MEDIUM,
            action_taken=ActionTaken.LOCK,
            user=user,
            ip=ip,
            identifier=identifier,
            details={"failures": REPEATED_FAILURES, "window_minutes": 15},
        )
    if ip:
        accounts = failures.filter(ip=ip).values("identifier").distinct().count()
        if accounts >= STUFFING_IDENTIFIERS and not _recent(
            ActivityKind.CREDENTIAL_STUFFING, ip=ip
        ):
            activity = _record(
                kind=ActivityKind.CREDENTIAL_STUFFING,
                threat_level=ThreatLevel.HIGH,
                action_taken=ActionTaken.IP_BLOCKED,
                ip=ip,
                details={"identifiers": accounts, "window_minutes": 15},
            )
            _block_ip(ip, activity, "credential stuffing")


def security_after_otp_failure(*, ip: str | None, user: User | None, identifier: str) -> None:
    if not ip:
        return
    since = timezone.now() - WINDOW
    wrong = LoginActivity.objects.filter(
        event=LoginEvent.OTP_FAILED, ip=ip, created_at__gte=since
    ).count()
    if wrong >= OTP_FAILURES and not _recent(ActivityKind.OTP_ABUSE, ip=ip):
        activity = _record(
            kind=ActivityKind.OTP_ABUSE,
            threat_level=ThreatLevel.HIGH,
            action_taken=ActionTaken.IP_BLOCKED,
            user=user,
            ip=ip,
            identifier=identifier,
            details={"wrong_codes": wrong, "window_minutes": 15},
        )
        _block_ip(ip, activity, "one-time code abuse")


def security_after_login(*, user: User, ip: str | None, device: str, browser: str) -> None:
    """A sign-in from an address and client not seen for this account lately: tell the owner."""
    since = timezone.now() - NEW_DEVICE_MEMORY
    earlier = LoginActivity.objects.filter(
        user=user, event=LoginEvent.LOGIN_SUCCEEDED, created_at__gte=since
    )
    if not earlier.exists():
        return  # a first sign-in is not news
    known = (
        earlier.filter(ip=ip).exists() or earlier.filter(device=device, browser=browser).exists()
    )
    if known:
        return
    _record(
        kind=ActivityKind.NEW_DEVICE,
        threat_level=ThreatLevel.LOW,
        action_taken=ActionTaken.USER_NOTIFIED,
        user=user,
        ip=ip,
        details={"device": device, "browser": browser},
    )
    text = (
        f"New sign-in to your account from {browser or 'an unknown browser'}"
        f"{' on ' + device if device else ''} ({ip or 'unknown address'}). "
        "If this was not you, change your password."
    )
    email, mobile = user.email, user.mobile
    if email:
        transaction.on_commit(lambda: send_mail("New sign-in", text, None, [email]), robust=True)
    elif mobile:
        transaction.on_commit(lambda: send_sms(mobile, text), robust=True)


def security_blocked_access(*, user: User, ip: str | None) -> None:
    if _recent(ActivityKind.BLOCKED_USER_ACCESS, user=user):
        return
    _record(
        kind=ActivityKind.BLOCKED_USER_ACCESS,
        threat_level=ThreatLevel.MEDIUM,
        action_taken=ActionTaken.ALERT,
        user=user,
        ip=ip,
        details={"status": user.status},
    )


def security_identity_number_contested(*, user: User, ip: str | None, details: dict) -> None:
    """Someone submitted an identity number (PAN) another account holds.

    They were told nothing of it; staff are, here. `details` names records, never the number.
    """
    _record(
        kind=ActivityKind.IDENTITY_NUMBER_CONTESTED,
        threat_level=ThreatLevel.MEDIUM,
        action_taken=ActionTaken.ALERT,
        user=user,
        ip=ip,
        details=details,
    )


def security_payment_tampering(*, user: User | None, ip: str | None, details: dict) -> None:
    """A payment whose provider-side facts contradict our order (amount, currency, order).

    Recorded as a high-threat finding for staff; nothing is blocked, since the
    client may be innocent (a provider or integration fault looks the same).
    """
    _record(
        kind=ActivityKind.PAYMENT_TAMPERING,
        threat_level=ThreatLevel.HIGH,
        action_taken=ActionTaken.ALERT,
        user=user,
        ip=ip,
        identifier=str(details.get("payment", ""))[:255],
        details=details,
    )
    logger.warning("Payment anomaly: %s", details.get("reason", "mismatch"))


def blocked_ip_lift(*, ids: list[int], actor: User) -> list[BlockedIP]:
    """Lift address blocks now; the rows stay, ending now, as the record of what happened."""
    now = timezone.now()
    with transaction.atomic():
        blocks = list(
            BlockedIP.objects.select_for_update()
            .filter(pk__in=ids, blocked_until__gt=now)
            .order_by("pk")
        )
        for block in blocks:
            before = block.blocked_until
            block.blocked_until = now
            block.save(update_fields=["blocked_until"])
            audit_record(
                action="accounts.ip_block_lifted",
                actor=actor,
                target=block,
                description=f"Address block on {block.ip} lifted",
                before={"ip": block.ip, "blocked_until": before.isoformat()},
                after={"ip": block.ip, "blocked_until": now.isoformat()},
            )
    return blocks
