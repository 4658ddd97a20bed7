"""API-wide views: the index, liveness, and Django-level error pages."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.urls import URLPattern, URLResolver, get_resolver
from django.views import defaults
from django.views.static import serve
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from config.exceptions import DEFAULT_MESSAGES, error_body

API_PREFIX = "api/v1/"
API_APPS = ("accounts", "kyc", "lending", "billing", "recharge", "audit", "reports")


def _api_routes_by_app() -> dict[str, list[str]]:
    """Each app's routes under /api/v1/, read from the URLconf itself."""
    routes: dict[str, list[str]] = {app: [] for app in API_APPS}

    def walk(patterns, prefix: str, app: str | None) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route, getattr(entry, "app_name", None) or app)
            elif isinstance(entry, URLPattern) and app in routes:
                cleaned = route.replace("^", "").replace("$", "").replace("/?", "/")
                if cleaned.endswith("/") and f"/{cleaned}" not in routes[app]:
                    routes[app].append(f"/{cleaned}")

    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and str(entry.pattern) == API_PREFIX:
            walk(entry.url_patterns, API_PREFIX, None)
    return routes


class ApiIndexView(APIView):
    """The list of the API: every app's routes, and where the docs are."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer(
            "ApiIndex",
            fields={
                "name": serializers.CharField(),
                "version": serializers.CharField(),
                "schema": serializers.URLField(),
                "docs": serializers.URLField(),
                "apps": serializers.DictField(child=serializers.ListField()),
            },
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "name": "Platform API",
                "version": "v1",
                "schema": reverse("schema", request=request),
                "docs": reverse("swagger-ui", request=request),
                "apps": _api_routes_by_app(),
            }
        )


def healthz(request):
    """Liveness for load balancers: answers when the process serves, reveals nothing."""
    return JsonResponse({"status": "ok"})


def media_file(request, path: str):
    """An uploaded file, for deployments that let the app serve them (`SERVE_MEDIA`)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def _wants_json(request) -> bool:
    return request.path.startswith(f"/{API_PREFIX}") or "json" in request.headers.get("Accept", "")


def _json_error(status_code: int, code: str) -> JsonResponse:
    return JsonResponse(
        error_body(status_code, code, DEFAULT_MESSAGES[status_code]), status=status_code
    )


def bad_request(request, exception=None):
    if _wants_json(request):
        if isinstance(exception, RequestDataTooBig):
            return _json_error(413, "payload_too_large")
        return _json_error(400, "bad_request")
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _wants_json(request):
        return _json_error(403, "permission_denied")
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _wants_json(request):
        return _json_error(404, "not_found")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _wants_json(request):
        return _json_error(500, "server_error")
    return defaults.server_error(request)


def csrf_failure(request, reason=""):
    if _wants_json(request):
        return _json_error(403, "csrf_failed")
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason)
