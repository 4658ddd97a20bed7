from reports.views import urlpatterns as report_routes

app_name = "reports"

urlpatterns = [*report_routes]
