"""Sessions and their tokens: issue, refresh with rotation, end."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.errors import SessionEnded
from accounts.models import AuthSession, LoginEvent, User
from accounts.services.activity import auth_event_record
from accounts.services.security import security_after_login
from accounts.useragent import describe
from audit import context as request_context
from audit.services import audit_record

SESSION_CLAIM = "sid"
# Which seed's client opened the session (seed 003's says "ktl"): its replies keep that shape.
CLIENT_CLAIM = "client"


@dataclass(frozen=True)
class IssuedTokens:
    access: str
    refresh: str
    access_expires_at: datetime
    session: AuthSession
    client: str = ""

    @property
    def user(self) -> User:
        return self.session.user


def _lifetime(remember_me: bool) -> timedelta:
    return (
        settings.AUTH_SESSION_REMEMBER_LIFETIME if remember_me else settings.AUTH_SESSION_LIFETIME
    )


def _mint(session: AuthSession, client: str = "") -> tuple[RefreshToken, str, datetime]:
    """A new refresh token for `session` and its access token, neither outliving the session."""
    refresh = RefreshToken()
    refresh[jwt_settings.USER_ID_CLAIM] = str(session.user_id)
    refresh[SESSION_CLAIM] = str(session.pk)
    if client:
        refresh[CLIENT_CLAIM] = client
    session_end = int(session.expires_at.timestamp())
    refresh.payload["exp"] = min(refresh.payload["exp"], session_end)
    access = refresh.access_token
    access.payload["exp"] = min(access.payload["exp"], session_end)
    return refresh, str(access), datetime.fromtimestamp(access.payload["exp"], tz=UTC)


def session_start(
    *, user: User, remember_me: bool = False, identifier: str = "", client: str = ""
) -> IssuedTokens:
    """Sign `user` in: a new session, its first tokens, and the record of it."""
    ctx = request_context.current()
    agent = describe(ctx.user_agent)
    now = timezone.now()
    with transaction.atomic():
        session = AuthSession(
            user=user,
            created_at=now,
            last_used_at=now,
            expires_at=now + _lifetime(remember_me),
            remember_me=remember_me,
            ip=ctx.ip,
            user_agent=ctx.user_agent,
            device=agent.device,
            browser=agent.browser,
            os=agent.os,
        )
        refresh, access, access_exp = _mint(session, client)
        session.refresh_jti = refresh["jti"]
        session.save(force_insert=True)
        user.last_login = now
        user.save(update_fields=["last_login"])
        security_after_login(user=user, ip=ctx.ip, device=agent.device, browser=agent.browser)
        auth_event_record(
            event=LoginEvent.LOGIN_SUCCEEDED,
            success=True,
            user=user,
            identifier=identifier,
            session=session,
            details={"remember_me": remember_me},
        )
    return IssuedTokens(
        access=access,
        refresh=str(refresh),
        access_expires_at=access_exp,
        session=session,
        client=client,
    )


def _decode_refresh(raw: str) -> tuple[str, str]:
    sid, jti, _ = _decode_refresh_claims(raw)
    return sid, jti


def _decode_refresh_claims(raw: str) -> tuple[str, str, str]:
    try:
        token = RefreshToken(raw)
    except TokenError:
        raise SessionEnded(
            "The refresh token is invalid or expired.", code="token_not_valid"
        ) from None
    sid, jti = token.payload.get(SESSION_CLAIM), token.payload.get("jti")
    if not sid or not jti:
        raise SessionEnded("The refresh token is invalid or expired.", code="token_not_valid")
    return sid, jti, str(token.payload.get(CLIENT_CLAIM) or "")


def session_refresh(*, refresh: str) -> IssuedTokens:
    """Trade a refresh token for a new pair; the old one stops working.

    Presenting a refresh token that was already traded in means someone else
    holds a copy: the whole session ends, for the thief and the owner alike.
    """
    sid, jti, client = _decode_refresh_claims(refresh)
    outcome = "ok"
    with transaction.atomic(durable=True):
        session = (
            AuthSession.objects.select_for_update().select_related("user").filter(pk=sid).first()
        )
        if session is None or not session.is_live or not session.user.is_active:
            outcome = "ended"
        elif session.refresh_jti != jti:
            outcome = "reused"
            _end(session, reason="refresh_reuse")
            auth_event_record(
                event=LoginEvent.TOKEN_REUSED,
                success=False,
                user=session.user,
                reason="refresh_reuse",
                session=session,
            )
        else:
            new_refresh, access, access_exp = _mint(session, client)
            session.refresh_jti = new_refresh["jti"]
            session.last_used_at = timezone.now()
            session.save(update_fields=["refresh_jti", "last_used_at"])
    if outcome != "ok":
        raise SessionEnded()
    return IssuedTokens(
        access=access,
        refresh=str(new_refresh),
        access_expires_at=access_exp,
        session=session,
        client=client,
    )


def _end(session: AuthSession, *, reason: str) -> None:
    session.revoked_at = timezone.now()
    session.revoke_reason = reason
    session.save(update_fields=["revoked_at", "revoke_reason"])


def sessions_end(
    *,
    user: User,
    reason: str,
    session_ids: list[str] | None = None,
    except_session_id: str | None = None,
    actor: User | None = None,
) -> int:
    """End live sessions of `user`: the ones named, or all (but `except_session_id`)."""
    with transaction.atomic():
        live = AuthSession.objects.select_for_update().filter(
            user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        if session_ids is not None:
            live = live.filter(pk__in=session_ids)
        if except_session_id:
            live = live.exclude(pk=except_session_id)
        ended = list(live.order_by("pk").values_list("pk", flat=True))
        AuthSession.objects.filter(pk__in=ended).update(
            revoked_at=timezone.now(), revoke_reason=reason
        )
        if ended and actor is not None and actor.pk != user.pk:
            audit_record(
                action="auth.sessions_ended",
                actor=actor,
                target=user,
                description=reason,
                after={"sessions": [str(pk) for pk in ended]},
            )
    return len(ended)


def session_logout(
    *, user: User, session_id: str | None, refresh: str | None = None, all_devices: bool = False
) -> int:
    """Sign out: the current session (and the one of `refresh`, if it is the user's), or all."""
    ids = [session_id] if session_id else []
    if refresh:
        try:
            sid, _ = _decode_refresh(refresh)
            ids.append(sid)
        except SessionEnded:
            pass  # an expired or foreign refresh token changes nothing about this logout
    with transaction.atomic():
        count = sessions_end(
            user=user,
            reason="logout_all" if all_devices else "logout",
            session_ids=None if all_devices else ids,
        )
        auth_event_record(
            event=LoginEvent.LOGOUT,
            success=True,
            user=user,
            reason="all_devices" if all_devices else "",
            details={"sessions_ended": count},
        )
    return count
