from reports.analytics.views import urlpatterns as analytics_routes
from reports.views import urlpatterns as report_routes

app_name = "reports"

urlpatterns = [*report_routes, *analytics_routes]
