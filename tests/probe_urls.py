"""Views that raise each kind of error, mounted beside the real URLconf.

They let the tests prove that every error, whatever raised it, leaves in the
one shape of DESIGN.md, before any business endpoint exists to raise it.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import include, path
from rest_framework import serializers, viewsets
from rest_framework.generics import ListAPIView, get_object_or_404
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from audit.services import audit_record
from config.exceptions import Conflict
from config.routing import OptionalSlashRouter, api_path
from config.throttling import AnonRateThrottle


class ProbeInput(serializers.Serializer):
    email = serializers.EmailField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)


class ValidationProbe(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        ProbeInput(data=request.data).is_valid(raise_exception=True)
        return Response({"ok": True})


class AuthenticatedProbe(APIView):
    def get(self, request):
        return Response({"user": request.user.pk})


class ForbiddenProbe(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise PermissionDenied("internal reason that must not leak")


class MissingObjectProbe(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"id": get_object_or_404(User, pk=0).pk})


class ConflictProbe(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        raise Conflict("The organization still has users.")


class OnePerMinute(AnonRateThrottle):
    rate = "1/min"


class ThrottledProbe(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [OnePerMinute]

    def get(self, request):
        return Response({"ok": True})


class CrashProbe(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("SELECT password FROM accounts_user -- secret internals")


def plain_crash(request):
    raise ValueError("plain Django view crash with secret internals")


class UserList(ListAPIView):
    permission_classes = [AllowAny]
    queryset = User.objects.order_by("id")

    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = User
            fields = ("id", "username")

    serializer_class = OutputSerializer


class ItemViewSet(viewsets.ViewSet):
    permission_classes = [AllowAny]

    def list(self, request):
        return Response({"results": []})

    def create(self, request):
        return Response({"created": True}, status=201)

    def retrieve(self, request, pk=None):
        return Response({"id": pk})


class AuditProbe(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        event = audit_record(action="probe.touched", description="probe")
        return Response({"event": event.pk})


router = OptionalSlashRouter()
router.register("items", ItemViewSet, basename="probe-item")

probe_patterns = [
    *api_path("validation", ValidationProbe.as_view()),
    *api_path("authenticated", AuthenticatedProbe.as_view()),
    *api_path("forbidden", ForbiddenProbe.as_view()),
    *api_path("missing", MissingObjectProbe.as_view()),
    *api_path("conflict", ConflictProbe.as_view()),
    *api_path("throttled", ThrottledProbe.as_view()),
    *api_path("crash", CrashProbe.as_view()),
    *api_path("plain-crash", plain_crash),
    *api_path("plain-ok", lambda request: HttpResponse("ok")),
    *api_path("users", UserList.as_view()),
    *api_path("audit", AuditProbe.as_view()),
    path("", include(router.urls)),
]

urlpatterns = [
    path("api/v1/probe/", include(probe_patterns)),
    path("", include("config.urls")),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
