from audit.views import urlpatterns as audit_routes

app_name = "audit"

urlpatterns = [*audit_routes]
