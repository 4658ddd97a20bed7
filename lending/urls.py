from django.urls import include, path

from config.routing import OptionalSlashRouter, api_path
from lending.views.customers import CustomerViewSet, customer_create_view
from lending.views.imports import CustomerUploadView, ImportJobView, InteractionUploadView
from lending.views.interactions import (
    CallingInteractionViewSet,
    CallingLoanInteractionsView,
    FieldInteractionViewSet,
    FieldLoanInteractionsView,
)
from lending.views.loans import (
    CustomerLoansView,
    LoanRepaymentsView,
    LoanScheduleView,
    LoanViewSet,
    WorklistView,
)

app_name = "lending"

router = OptionalSlashRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("loans", LoanViewSet, basename="loan")

_DETAIL = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}


def _interaction_routes(kind: str, viewset, loan_view) -> list:
    return [
        *api_path(
            f"interactions/{kind}/create/",
            viewset.as_view({"post": "create"}),
            f"{kind}-interaction-create",
        ),
        *api_path(
            f"interactions/{kind}/<int:pk>/", viewset.as_view(_DETAIL), f"{kind}-interaction-detail"
        ),
        *api_path(
            f"interactions/{kind}/loan/<int:loan_id>/",
            loan_view.as_view(),
            f"{kind}-loan-interactions",
        ),
    ]


urlpatterns = [
    *api_path("customers/create/", customer_create_view, "customer-create"),
    *api_path("customers/bulk/upload/", CustomerUploadView.as_view(), "customer-bulk-upload"),
    *api_path("loans/worklist/", WorklistView.as_view(), "loan-worklist"),
    *api_path("loans/customer/<int:customer_id>/", CustomerLoansView.as_view(), "customer-loans"),
    *api_path("loans/<int:pk>/schedule/", LoanScheduleView.as_view(), "loan-schedule"),
    *api_path("loans/<int:pk>/repayments/", LoanRepaymentsView.as_view(), "loan-repayments"),
    *_interaction_routes("field", FieldInteractionViewSet, FieldLoanInteractionsView),
    *_interaction_routes("calling", CallingInteractionViewSet, CallingLoanInteractionsView),
    *api_path(
        "interactions/bulk/upload/", InteractionUploadView.as_view(), "interaction-bulk-upload"
    ),
    *api_path("lending/imports/<int:pk>/", ImportJobView.as_view(), "import-job"),
    path("", include(router.urls)),
]
