from django.urls import include, path

from config.routing import OptionalSlashRouter, api_path
from payments import sandbox_views, views

app_name = "payments"

router = OptionalSlashRouter()
router.register("payments", views.PaymentViewSet, basename="payment")

urlpatterns = [
    *api_path("payments/webhooks/<slug:provider>", views.WebhookView.as_view(), name="webhook"),
    *api_path(
        "payments/sandbox/checkout/<str:order_id>",
        sandbox_views.checkout,
        name="sandbox-checkout",
    ),
    path("", include(router.urls)),
]
