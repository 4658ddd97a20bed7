from django.urls import include, path

from billing.views.dashboard import DashboardStatsView
from billing.views.isp_money import (
    CommissionViewSet,
    InvoiceViewSet,
    PaymentViewSet,
    ResellerAccountViewSet,
)
from billing.views.isp_packages import PackageViewSet
from billing.views.isp_subscribers import SubscriberViewSet
from billing.views.locations import (
    DistrictThanaListView,
    DistrictViewSet,
    LocationSummaryView,
    ThanaViewSet,
)
from billing.views.members import OrganizationMembersView, OrganizationMemberView
from billing.views.organizations import OrganizationViewSet
from config.routing import OptionalSlashRouter, api_path

app_name = "billing"

router = OptionalSlashRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("locations/districts", DistrictViewSet, basename="district")
router.register("locations/thanas", ThanaViewSet, basename="thana")
router.register("isp/packages", PackageViewSet, basename="isp-package")
router.register("isp/subscribers", SubscriberViewSet, basename="isp-subscriber")
router.register("isp/invoices", InvoiceViewSet, basename="isp-invoice")
router.register("isp/payments", PaymentViewSet, basename="isp-payment")
router.register("isp/resellers", ResellerAccountViewSet, basename="isp-reseller")
router.register("isp/commissions", CommissionViewSet, basename="isp-commission")

urlpatterns = [
    *api_path(
        "locations/districts/<int:district_id>/thanas/",
        DistrictThanaListView.as_view(),
        "district-thanas",
    ),
    *api_path("locations/summary/", LocationSummaryView.as_view(), "location-summary"),
    *api_path("dashboard/stats/", DashboardStatsView.as_view(), "dashboard-stats"),
    *api_path(
        "organizations/<int:id>/members/", OrganizationMembersView.as_view(), "organization-members"
    ),
    *api_path(
        "organizations/<int:id>/members/<int:user_id>/",
        OrganizationMemberView.as_view(),
        "organization-member",
    ),
    path("", include(router.urls)),
]
