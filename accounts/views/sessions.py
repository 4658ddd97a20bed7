"""Sessions: people list and end their own; staff end anyone's."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView, get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import AuthSession, User
from accounts.services.sessions import sessions_end
from accounts.views.auth import _session_id
from config.openapi import error_responses
from config.permissions import permission_required
from config.routing import api_path


class SessionSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField()

    class Meta:
        model = AuthSession
        fields = (
            "id",
            "created_at",
            "last_used_at",
            "expires_at",
            "remember_me",
            "ip",
            "device",
            "browser",
            "os",
            "current",
        )
        read_only_fields = fields

    def get_current(self, session: AuthSession) -> bool:
        return str(session.pk) == str(self.context.get("current_session_id"))


class EndedSerializer(serializers.Serializer):
    ended = serializers.IntegerField()


def _live(user: User):
    return AuthSession.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-last_used_at", "-created_at")


class MySessionsView(ListAPIView):
    serializer_class = SessionSerializer
    filter_backends: list = []

    def get_queryset(self):
        return _live(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "current_session_id": _session_id(self.request)}

    @extend_schema(tags=["sessions"], summary="My signed-in sessions")
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class MySessionView(APIView):
    @extend_schema(
        tags=["sessions"],
        summary="End one of my sessions",
        request=None,
        responses={200: EndedSerializer, **error_responses(401, 404)},
    )
    def delete(self, request: Request, session_id) -> Response:
        session = get_object_or_404(_live(request.user), pk=session_id)
        ended = sessions_end(user=request.user, reason="ended_by_user", session_ids=[session.pk])
        return Response({"ended": ended})


class UserSessionsEndView(APIView):
    permission_classes = [permission_required("accounts.change_user")]

    @extend_schema(
        tags=["sessions"],
        summary="Sign a user out of every device",
        request=None,
        responses={200: EndedSerializer, **error_responses(401, 403, 404)},
    )
    def delete(self, request: Request, user_id: int) -> Response:
        user = get_object_or_404(User, pk=user_id)
        ended = sessions_end(user=user, reason="ended_by_admin", actor=request.user)
        return Response({"ended": ended})


urlpatterns = [
    *api_path("auth/sessions", MySessionsView.as_view(), "my-sessions"),
    *api_path("auth/sessions/<uuid:session_id>", MySessionView.as_view(), "my-session"),
    *api_path("admin/users/<int:user_id>/sessions", UserSessionsEndView.as_view(), "user-sessions"),
]
