from django.urls import include, path

from config.routing import OptionalSlashRouter, api_path
from recharge.views import autopay, catalog, payments

app_name = "recharge"

router = OptionalSlashRouter()
router.register("plans/plan-group", catalog.PlanGroupViewSet, basename="plan-group")
router.register("plans/plan", catalog.PlanViewSet, basename="plan")
router.register("offers/offer_type", catalog.OfferTypeViewSet, basename="offer-type")
router.register("offers/offers", catalog.OfferViewSet, basename="offer")

urlpatterns = [
    *api_path("plans/public/all", catalog.PublicPlanListView.as_view(), "plans-public"),
    *api_path("offers/offers/public", catalog.PublicOfferListView.as_view(), "offers-public"),
    *api_path("recharge/wallet/topup", payments.TopupView.as_view(), "wallet-topup"),
    *api_path("recharge/subscribe", payments.SubscribeView.as_view(), "subscribe"),
    *api_path("recharge/my/plans", payments.MyPlansView.as_view(), "my-plans"),
    *api_path("recharge/my/transactions", payments.MyTransactionsView.as_view(), "my-transactions"),
    *api_path(
        "recharge/admin/active-plans", payments.AdminActivePlansView.as_view(), "admin-active-plans"
    ),
    *api_path(
        "recharge/admin/wallet/credit",
        payments.StaffWalletCreditView.as_view(),
        "admin-wallet-credit",
    ),
    *api_path(
        "recharge/admin/transactions",
        payments.AdminTransactionsView.as_view(),
        "admin-transactions",
    ),
    *api_path("autopay/create_autopay", autopay.CreateAutopayView.as_view(), "autopay-create"),
    *api_path(
        "autopay/get_autopay/<int:autopay_id>", autopay.GetAutopayView.as_view(), "autopay-get"
    ),
    *api_path("autopay/get_all_autopay", autopay.MyAutopaysView.as_view(), "autopay-mine"),
    *api_path("autopay/admin/all", autopay.AdminAutopaysView.as_view(), "autopay-admin-all"),
    *api_path("autopay/admin/process-due", autopay.ProcessDueView.as_view(), "autopay-process-due"),
    *api_path("autopay/<int:autopay_id>", autopay.EditAutopayView.as_view(), "autopay-edit"),
    *api_path("referrals/me", autopay.MyReferralsView.as_view(), "referrals-mine"),
    *api_path("referrals/admin/all", autopay.AdminReferralsView.as_view(), "referrals-admin-all"),
    path("", include(router.urls)),
]

from recharge.notifications.urls import urlpatterns as notification_routes  # noqa: E402

urlpatterns += notification_routes
