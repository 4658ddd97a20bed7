from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from config.routing import api_path
from config.views import ApiIndexView, healthz, media_file

api_v1 = [
    *api_path("", ApiIndexView.as_view(), name="api-index"),
    *api_path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *api_path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    *api_path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("", include("audit.urls")),
    path("", include("accounts.urls")),
    path("", include("kyc.urls")),
    path("", include("lending.urls")),
    path("", include("billing.urls")),
    path("", include("payments.urls")),
    path("", include("recharge.urls")),
    path("", include("reports.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/v1", ApiIndexView.as_view()),
    path("admin/", admin.site.urls),
    *api_path("healthz", healthz, name="healthz"),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", media_file, name="media")
    ]
