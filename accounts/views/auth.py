"""Sign-in, registration and one-time code endpoints of every seed."""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import extensions
from accounts.contracts import KTL
from accounts.models import OtpChallenge
from accounts.selectors import identifier_parse
from accounts.serializers import auth as s
from accounts.serializers import ktl
from accounts.services import login, passwords, registration, sessions
from accounts.services.otp import otp_resend, otp_verify
from accounts.services.sessions import SESSION_CLAIM
from config import contracts
from config.inputs import FormParser, JSONParser, MultiPartParser
from config.openapi import MessageSerializer, error_responses

LOGIN_REPLY = PolymorphicProxySerializer(
    component_name="LoginReply",
    serializers=[s.TokenReplySerializer, s.ChallengeReplySerializer],
    resource_type_field_name=None,
)
KTL_LOGIN_REPLY = PolymorphicProxySerializer(
    component_name="KtlLoginData",
    serializers=[ktl.KtlLoginReplySerializer, s.ChallengeReplySerializer],
    resource_type_field_name=None,
)
KTL_NOTE = (
    "\n\nA seed 003 client (one that signs in with `login_id`, and then its tokens) gets "
    "seed 003's envelope `{success, status, message, data}` and errors "
    "`{success: false, status, message, error}`; a failed sign-in is then a 400."
)


def _token_reply(request: Request, issued, message: str = "Login successful") -> Response:
    """Tokens as the client's seed shows them."""
    if contracts.is_active(request, KTL):
        return contracts.with_message(Response(ktl.KtlLoginReplySerializer.reply(issued)), message)
    return Response(s.TokenReplySerializer.reply(issued))


class PublicView(APIView):
    """Endpoints for people who are not signed in yet.

    They ignore any Authorization header, so a stale token in a client does
    not stand in the way of signing in again.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_authenticate_header(self, request: Request) -> str:
        # Refused credentials are a 401 with a challenge, as on every other view.
        return 'Bearer realm="api"'


def _input(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _session_id(request: Request) -> str | None:
    token = request.auth
    return token.get(SESSION_CLAIM) if token is not None and hasattr(token, "get") else None


class LoginView(PublicView):
    contract = contracts.when_client(KTL)
    contract_messages = {"post": "Login successful", "error": "Login failed"}
    contract_replies = {"post": {200: KTL_LOGIN_REPLY}}

    @extend_schema(
        tags=["auth"],
        summary="Sign in (every seed)",
        description=(
            "A password with any one identifier (`email_or_mobile`, `login_id`, `username`, "
            "`email`, `phone_number`, `mobile`) gives tokens, or an OTP challenge when the "
            "account has two-factor sign-in. `phone_number` alone sends a code by SMS." + KTL_NOTE
        ),
        request=s.LoginSerializer,
        responses={200: LOGIN_REPLY, **error_responses(400, 401, 403, 429)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.LoginSerializer, request)
        if data["passwordless"]:
            challenge = login.login_request_phone_code(mobile=data["identifier"].value)
            return Response(s.ChallengeReplySerializer.reply(challenge, "OTP sent to your phone."))
        result = login.login_with_password(
            identifier=data["identifier"],
            raw_identifier=data["raw_identifier"],
            password=data["password"],
            remember_me=data["remember_me"],
            client=KTL if contracts.is_active(request, KTL) else "",
        )
        if result.challenge is not None:
            message = "OTP sent for 2FA."
            reply = Response(s.ChallengeReplySerializer.reply(result.challenge, message))
            return contracts.with_message(reply, message)
        return _token_reply(request, result.tokens)


class TokenObtainView(PublicView):
    @extend_schema(
        tags=["auth"],
        summary="Tokens for a username and password (seed 002)",
        description="Refused with 403 `two_factor_required` for accounts with two-factor sign-in.",
        request=s.TokenObtainSerializer,
        responses={200: s.TokenReplySerializer, **error_responses(400, 401, 403, 429)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.TokenObtainSerializer, request)
        field = "email" if "@" in data["username"] else "username"
        result = login.login_with_password(
            identifier=identifier_parse(field, data["username"]),
            raw_identifier=data["username"],
            password=data["password"],
            second_factor_allowed=False,
        )
        return Response(s.TokenReplySerializer.reply(result.tokens))


class VerifyLoginOtpView(PublicView):
    # A seed 003 client's second step answers as its sign-in would have.
    contract = contracts.when_client(KTL)
    contract_replies = {"post": {200: ktl.KtlLoginReplySerializer}}

    @extend_schema(
        tags=["auth"],
        summary="Second factor: the code for tokens",
        description="A sign-in begun by a seed 003 client answers in seed 003's sign-in shape.",
        request=s.VerifyLoginOtpSerializer,
        responses={200: s.TokenReplySerializer, **error_responses(400, 403, 429)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.VerifyLoginOtpSerializer, request)
        tokens = login.login_verify_code(request_id=data["request_id"], code=data["otp"])
        if tokens.client:
            contracts.choose(request, tokens.client)
        return _token_reply(request, tokens)


class VerifyOtpLoginFormView(PublicView):
    parser_classes = [FormParser, MultiPartParser, JSONParser]

    @extend_schema(
        tags=["auth"],
        summary="Code sign-in as an OAuth2 password-grant form (seed 004)",
        request={
            "application/x-www-form-urlencoded": s.PhoneOtpFormSerializer,
            "application/json": s.PhoneOtpFormSerializer,
        },
        responses={200: s.TokenReplySerializer, **error_responses(400, 403, 429)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.PhoneOtpFormSerializer, request)
        tokens = login.login_verify_phone_code(mobile=data["username"], code=data["password"])
        return Response(s.TokenReplySerializer.reply(tokens))


class RefreshView(PublicView):
    contract = contracts.when_client(KTL)
    contract_replies = {"post": {200: ktl.KtlRefreshReplySerializer}}

    @extend_schema(
        tags=["auth"],
        summary="New tokens for a refresh token (rotates it)",
        description="Accepts `refresh` or `refresh_token`. A refresh token works once." + KTL_NOTE,
        request=s.RefreshSerializer,
        responses={200: s.TokenReplySerializer, **error_responses(400, 401)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.RefreshSerializer, request)
        issued = sessions.session_refresh(refresh=data["refresh"])
        if contracts.is_active(request, KTL):
            reply = Response(ktl.KtlRefreshReplySerializer.reply(issued))
            return contracts.with_message(reply, "Token refreshed successfully")
        return Response(s.TokenReplySerializer.reply(issued))


class LogoutView(APIView):
    contract = contracts.when_client(KTL)
    contract_replies = {"post": {200: None}}

    @extend_schema(
        tags=["auth"],
        summary="Sign out this session, or every session",
        description="A seed 003 client gets `data: []`." + KTL_NOTE,
        request=s.LogoutSerializer,
        responses={200: MessageSerializer, **error_responses(400, 401)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.LogoutSerializer, request)
        sessions.session_logout(
            user=request.user,
            session_id=_session_id(request),
            refresh=data.get("refresh") or data.get("refresh_token"),
            all_devices=data["logout_all_devices"],
        )
        if contracts.is_active(request, KTL):
            return contracts.with_message(Response(None), "Logout successful")
        return Response({"message": "Successfully logged out."})


class VerifyTokenView(APIView):
    contract = KTL
    contract_messages = {"post": "Token is valid"}

    @extend_schema(
        tags=["auth"],
        summary="Whether the access token in hand is valid (seed 003)",
        request=None,
        responses={200: ktl.KtlVerifyReplySerializer, **error_responses(401)},
    )
    def post(self, request: Request) -> Response:
        from datetime import UTC, datetime

        expires = request.auth.get("exp") if _session_id(request) else None
        expires_at = datetime.fromtimestamp(expires, tz=UTC) if expires else None
        return Response(
            ktl.KtlVerifyReplySerializer({"user": request.user, "expires_at": expires_at}).data
        )


class RegisterInitiateView(PublicView):
    @extend_schema(
        tags=["registration"],
        summary="Register, step 1: a code to the e-mail address and mobile (seed 000)",
        request=s.RegisterInitiateSerializer,
        responses={200: s.ChallengeReplySerializer, **error_responses(400, 429)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.RegisterInitiateSerializer, request)
        challenge = registration.register_initiate(**data)
        return Response(s.ChallengeReplySerializer.reply(challenge, "OTP sent to email and SMS."))


class RegisterVerifyOtpView(PublicView):
    @extend_schema(
        tags=["registration"],
        summary="Register, step 2: the code creates the account (seed 000)",
        request=s.RegisterVerifySerializer,
        responses={201: s.RegisterVerifyReplySerializer, **error_responses(400, 409, 429)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.RegisterVerifySerializer, request)
        user = registration.register_complete(
            request_id=data["request_id"], code=data["otp"], email=data["email"]
        )
        return Response(
            {"user_created": True, "user_id": user.pk, "message": "Registration successful."},
            status=201,
        )


class SignupView(PublicView):
    @extend_schema(
        tags=["registration"],
        summary="Sign up by phone, step 1 (seed 004)",
        request=s.SignupSerializer,
        responses={200: s.ChallengeReplySerializer, **error_responses(400, 429)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.SignupSerializer, request)
        challenge = registration.signup_start(
            mobile=data["phone_number"], subscriber_type=data["user_type"]
        )
        return Response(s.ChallengeReplySerializer.reply(challenge, "OTP sent to your phone."))


class SignupVerifyView(PublicView):
    @extend_schema(
        tags=["registration"],
        summary="Sign up by phone, step 2: the code creates the account and signs in (seed 004)",
        request=s.SignupVerifySerializer,
        responses={200: s.TokenReplySerializer, **error_responses(400, 409, 429)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.SignupVerifySerializer, request)
        tokens = registration.signup_verify(mobile=data["phone_number"], code=data["otp"])
        return Response(s.TokenReplySerializer.reply(tokens))


class ProfileRegisterView(APIView):
    @extend_schema(
        tags=["registration"],
        summary="Sign up by phone, step 3: name, e-mail and referee code (seed 004)",
        request=s.ProfileRegisterSerializer,
        responses={200: s.SubscriberProfileSerializer, **error_responses(400, 401, 409)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.ProfileRegisterSerializer, request)
        user = registration.profile_register(
            user=request.user,
            name=data["name"],
            email=data.get("email"),
            referee_code=data.get("referee_code") or None,
        )
        return Response(s.SubscriberProfileSerializer(user).data)


class StaffRegisterView(PublicView):
    @extend_schema(
        tags=["registration"],
        summary="Ask for a staff account; it waits for approval (seed 002)",
        request=s.StaffRegisterSerializer,
        responses={201: s.StaffRegisterReplySerializer, **error_responses(400, 409, 429)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.StaffRegisterSerializer, request)
        user = registration.staff_register(
            username=data["username"],
            email=data.get("email"),
            role=data["role"],
            manager=data.get("manager"),
            password=data["password"],
        )
        return Response(s.StaffRegisterReplySerializer(user).data, status=201)


class ForgotPasswordView(PublicView):
    @extend_schema(
        tags=["passwords"],
        summary="Send a password reset code",
        description="Answers the same whether or not an account exists.",
        request=s.ForgotPasswordSerializer,
        responses={200: s.ChallengeReplySerializer, **error_responses(400, 429)},
    )
    def post(self, request: Request) -> Response:
        raw = _input(s.ForgotPasswordSerializer, request)["email_or_mobile"]
        challenge = passwords.password_forgot(
            identifier=identifier_parse("email_or_mobile", raw), raw_identifier=raw
        )
        return Response(s.ChallengeReplySerializer.reply(challenge, "Reset OTP sent."))


class ResetPasswordView(PublicView):
    @extend_schema(
        tags=["passwords"],
        summary="Set a new password with the reset code; every session ends",
        request=s.ResetPasswordSerializer,
        responses={200: MessageSerializer, **error_responses(400, 429)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.ResetPasswordSerializer, request)
        passwords.password_reset(
            request_id=data["request_id"], code=data["otp"], new_password=data["new_password"]
        )
        return Response({"message": "Password reset successful."})


class OtpVerifyView(PublicView):
    @extend_schema(
        tags=["otp"],
        summary="Verify a code for a KYC step or a sensitive action",
        request=s.OtpVerifySerializer,
        responses={200: s.OtpVerifyReplySerializer, **error_responses(400, 429)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.OtpVerifySerializer, request)
        challenge = otp_verify(
            request_id=data["request_id"], code=data["otp"], purposes={data["purpose"]}
        )
        extensions.announce_otp_verified(challenge_id=str(challenge.pk), purpose=challenge.purpose)
        return Response({"verified": True, "message": "OTP verified successfully."})


class OtpResendView(PublicView):
    @extend_schema(
        tags=["otp"],
        summary="Send a new code for a challenge (3 times at most, 30 s apart)",
        request=s.OtpResendSerializer,
        responses={200: s.OtpResendReplySerializer, **error_responses(400, 429)},
    )
    def post(self, request: Request) -> Response:
        data = _input(s.OtpResendSerializer, request)
        challenge = otp_resend(request_id=data["request_id"])
        return Response(
            {
                "otp_sent": True,
                "resends_left": OtpChallenge.MAX_RESENDS - challenge.resend_count,
                "message": "OTP resent.",
            }
        )
