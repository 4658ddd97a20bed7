from django.urls import include, path

from billing.views.dashboard import DashboardStatsView
from billing.views.locations import (
    DistrictThanaListView,
    DistrictViewSet,
    LocationSummaryView,
    ThanaViewSet,
)
from billing.views.organizations import OrganizationViewSet
from config.routing import OptionalSlashRouter, api_path

app_name = "billing"

router = OptionalSlashRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("locations/districts", DistrictViewSet, basename="district")
router.register("locations/thanas", ThanaViewSet, basename="thana")

urlpatterns = [
    *api_path(
        "locations/districts/<int:district_id>/thanas/",
        DistrictThanaListView.as_view(),
        "district-thanas",
    ),
    *api_path("locations/summary/", LocationSummaryView.as_view(), "location-summary"),
    *api_path("dashboard/stats/", DashboardStatsView.as_view(), "dashboard-stats"),
    path("", include(router.urls)),
]
