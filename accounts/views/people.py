from config.routing import api_path  # noqa: F401

urlpatterns: list = []
