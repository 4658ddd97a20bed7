from audit.views import urlpatterns as audit_routes
from audit.views_system import urlpatterns as system_routes

app_name = "audit"

urlpatterns = [*audit_routes, *system_routes]
