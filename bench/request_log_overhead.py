"""Overhead of the API request log (and its audit row per request) on cheap GETs (P9, goal <= 5%).

Runs the same requests through Django's test Client with the log switched off and
on, in interleaved rounds so that machine noise falls on both alike, and gives the
ratio of the medians, on the API index and on the signed-in user's profile. Uses a
throwaway database, `bench_request_log_overhead`, created and dropped.

    .venv/bin/python bench/request_log_overhead.py [--size small|full] [--rounds 30]
"""

import argparse
import time

import common
from common import Row

PATHS = ["/api/v1/", "/api/v1/user/profile/my_profile"]


def run(args: argparse.Namespace) -> list[Row]:
    import logging

    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User
    from audit.models import ApiRequestLog
    from audit.requestlog import writer

    requests = {"small": 50, "full": 200}[args.size]
    logging.disable(logging.CRITICAL)  # the console handler would dominate the timing
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.API_LOG_BATCH = 200
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = User.objects.create_user(username="bench", email="bench@example.com", password="x" * 12)
    client = Client()
    client.force_login(user)

    def timed(path: str, log: bool) -> float:
        """Milliseconds per request."""
        settings.API_LOG_ENABLED = log
        started = time.perf_counter()
        for _ in range(requests):
            response = client.get(path)
            assert response.status_code == 200, response.status_code
        return (time.perf_counter() - started) / requests * 1000

    rows = []
    for path in PATHS:
        timed(path, True)  # warm up
        samples = common.interleaved(
            {
                "off": lambda path=path: timed(path, False),
                "on": lambda path=path: timed(path, True),
            },
            args.rounds,
        )
        writer.stop()  # writes what is left and closes the writer's connection
        off, on = common.median(samples["off"]), common.median(samples["on"])
        print(f"{path}: medians without log {off:.3f} ms, with log {on:.3f} ms per request")
        rows.append(
            Row.at_most(
                "P9",
                f"cheap GET {path}, request log on / off",
                common.paired_ratio(samples, "on", "off"),
                1.05,
            )
        )
    print(f"request log rows written: {ApiRequestLog.objects.count()}, {writer.stats()}")
    return rows


if __name__ == "__main__":
    common.main(
        run,
        __doc__,
        name="request_log_overhead",
        # The bench sends far more requests than the API rate limits allow one user.
        env={"THROTTLE_USER": common.UNTHROTTLED, "THROTTLE_ANON": common.UNTHROTTLED},
        default_rounds=30,
    )
