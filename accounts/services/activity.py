from accounts.models import AuthSession, LoginActivity, LoginEvent, User
from accounts.useragent import describe
from audit import context as request_context
from audit.services import audit_record


def auth_event_record(
    *,
    event: LoginEvent,
    success: bool,
    user: User | None = None,
    identifier: str = "",
    reason: str = "",
    session: AuthSession | None = None,
    details: dict | None = None,
) -> LoginActivity:
    """Record one sign-in related event as login activity and as an audit event.

    Call it inside the transaction of the change it describes; for a refusal
    (which changes nothing) call it in a transaction that is allowed to commit.
    """
    ctx = request_context.current()
    client = describe(ctx.user_agent)
    activity = LoginActivity.objects.create(
        user=user,
        identifier=identifier[:255],
        event=event,
        success=success,
        reason=reason,
        session=session,
        ip=ctx.ip,
        user_agent=ctx.user_agent,
        device=client.device,
        browser=client.browser,
        os=client.os,
        request_id=ctx.request_id,
    )
    audit_record(
        action=f"auth.{event}",
        actor=user if success else None,
        target=user,
        description=reason,
        after={"identifier": identifier, "success": success, **(details or {})},
    )
    return activity
