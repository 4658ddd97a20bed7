"""Overhead of the API request log on simple endpoints, measured in one process.

Runs the same requests with the log switched off and on, alternating rounds
so that machine noise falls on both alike, and prints the ratio of the
medians. Uses PostgreSQL when DATABASE_URL is set (a throwaway test database).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/platform .venv/bin/python bench/request_log_overhead.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The bench sends far more requests than the API rate limits allow one user.
os.environ["THROTTLE_USER"] = os.environ["THROTTLE_ANON"] = "100000000/hour"

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 12))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 200))


def timed(client: Client, path: str) -> float:
    started = time.perf_counter()
    for _ in range(REQUESTS):
        response = client.get(path)
        assert response.status_code == 200, response.status_code
    return (time.perf_counter() - started) / REQUESTS * 1000


def main() -> None:
    import logging

    logging.disable(logging.CRITICAL)  # the console handler would dominate the timing
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    # The log's writer has a connection of its own: point it at the same throwaway database.
    log_alias = settings.API_LOG_DATABASE
    if log_alias != "default" and log_alias in connections:
        connections[log_alias].creation.set_as_test_mirror(connection.settings_dict)
    try:
        from accounts.models import User
        from audit.models import ApiRequestLog
        from audit.requestlog import writer

        settings.API_LOG_BATCH = 200
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        user = User.objects.create_user(
            username="bench", email="bench@example.com", password="x" * 12
        )
        client = Client()
        client.force_login(user)
        paths = ["/api/v1/", "/api/v1/user/profile/my_profile"]
        for path in paths:
            off, on = [], []
            timed(client, path)  # warm up
            for _ in range(ROUNDS):
                settings.API_LOG_ENABLED = False
                off.append(timed(client, path))
                settings.API_LOG_ENABLED = True
                on.append(timed(client, path))
            writer.stop()  # writes what is left and closes the writer's connection
            ratio = statistics.median(on) / statistics.median(off)
            print(
                f"{path}: without log {statistics.median(off):.3f} ms, "
                f"with log {statistics.median(on):.3f} ms, ratio {ratio:.3f} "
                f"(overhead {100 * (ratio - 1):+.1f}%)"
            )
        print(
            f"rows written: {ApiRequestLog.objects.count()} ({connection.vendor}), {writer.stats()}"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
