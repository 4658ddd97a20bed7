"""Routes that answer with and without a trailing slash.

The seeds write the same API both ways (`/auth/login` and `/auth/login/`), and
front ends written against either must work unchanged. Redirecting would turn a
POST into a GET, so both spellings resolve to the same view.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    def __init__(self) -> None:
        super().__init__()
        self.trailing_slash = "/?"


def api_path(route: str, view, name: str | None = None) -> list:
    """`path()` for `route` with and without its trailing slash.

    Returns a list, to be unpacked into `urlpatterns`. Only the slashed form
    carries the name and appears in the OpenAPI schema.
    """
    bare = route.rstrip("/")
    if not bare:
        return [path("", view, name=name)]
    return [path(f"{bare}/", view, name=name), path(bare, view)]


def drop_slashless_twins(endpoints):
    """drf-spectacular hook: list each route once, in its slashed form."""
    paths = {p for p, *_ in endpoints}
    return [
        endpoint
        for endpoint in endpoints
        if endpoint[0].endswith("/") or f"{endpoint[0]}/" not in paths
    ]
