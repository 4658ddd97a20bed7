"""The project's settings, with the bench URLconf: the served app plus a bare baseline view."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
