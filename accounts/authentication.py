from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings

from accounts.errors import SessionEnded
from accounts.models import AccountStatus
from accounts.selectors import session_with_user
from accounts.services.sessions import SESSION_CLAIM


class SessionJWTAuthentication(JWTAuthentication):
    """A bearer access token, honoured only while its session and its user are.

    One query loads the session with its user, so logout, logout from all
    devices, a password change, and a block or archive all take effect at the
    very next request, without a denylist to keep in step.
    """

    def get_user(self, validated_token):
        sid = validated_token.get(SESSION_CLAIM)
        if not sid:
            raise InvalidToken("Token has no session.")
        session = session_with_user(session_id=sid)
        if (
            session is None
            or session.revoked_at is not None
            or session.expires_at <= timezone.now()
        ):
            raise SessionEnded()
        user = session.user
        if str(user.pk) != str(validated_token.get(api_settings.USER_ID_CLAIM)):
            raise InvalidToken("Token does not match its session.")
        # A deactivated owner keeps their session; the permission layer lets
        # them reach only reactivation. Blocked, archived or pending: out.
        if not (user.is_active or user.status == AccountStatus.DEACTIVATED):
            raise SessionEnded("This account cannot sign in.", code="account_unavailable")
        return user


class SessionJWTScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.SessionJWTAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
