"""Screenshots of the admin for the README: the index and the analytics page.

    python -m tests.browser.screenshots [--login demo_admin] [--password ...] [--out docs/screenshots]

Serves the project in this process against the configured database (run
`manage.py demo_data` on it first), signs in through the admin's real sign-in
with its second factor (the code is read from in-memory mail and SMS outboxes,
which this process swaps in for the configured ones), and saves PNG files.
"""

import argparse
import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[2]


def _serve():
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server


def _code(destinations: set[str]) -> str:
    import re

    from django.core import mail

    from accounts.sms.backends import locmem as sms_outbox

    bodies = [m.body for m in mail.outbox if destinations & set(m.to)]
    bodies += [m.body for m in sms_outbox.outbox if m.to in destinations]
    if not bodies:
        raise SystemExit("No sign-in code was sent: does the account have an e-mail or mobile?")
    return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)


def _full_page(driver, path: Path) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(800, min(int(height), 4000)))
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")  # noqa: T201


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    from demo.context import DEMO_PASSWORD
    from tests.browser.chromium import chromium, missing

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--login", default="demo_admin")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--days", type=int, default=90, help="the analytics window")
    args = parser.parse_args(argv)
    reason = missing()
    if reason:
        raise SystemExit(f"Cannot take screenshots: {reason}.")

    from accounts.models import User

    user = User.objects.filter(username__iexact=args.login).first()
    if user is None:
        raise SystemExit(f"No account {args.login!r}: run `manage.py demo_data` first.")
    setup_test_environment()  # mail to an in-memory outbox
    settings.SMS_BACKEND = "accounts.sms.backends.locmem.SmsBackend"
    server = _serve()
    base = f"http://{server.host}:{server.port}"
    try:
        from selenium.webdriver.common.by import By

        with chromium() as driver:

            def sign_in(code: str = "") -> None:
                driver.find_element(By.NAME, "username").clear()
                driver.find_element(By.NAME, "username").send_keys(args.login)
                driver.find_element(By.NAME, "password").send_keys(args.password)
                if code:
                    driver.find_element(By.NAME, "otp").send_keys(code)
                driver.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()

            driver.get(f"{base}/admin/login/")
            sign_in()
            if driver.find_elements(By.NAME, "otp") and "/login/" in driver.current_url:
                sign_in(_code({value for value in (user.email, user.mobile) if value}))
            if "/login/" in driver.current_url:
                raise SystemExit("The admin refused the sign-in; check --login and --password.")
            driver.get(f"{base}/admin/")
            _full_page(driver, args.out / "admin-index.png")
            driver.set_window_size(1280, 900)
            driver.get(f"{base}/admin/reports/reportexport/analytics/?days={args.days}")
            _full_page(driver, args.out / "analytics.png")
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
