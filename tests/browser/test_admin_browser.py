"""A person at the admin in a real browser: signs in with the second factor, looks, acts."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from accounts.models import BlockedIP
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _submit_and_wait(browser, element) -> None:
    """Click and wait for the next page: the click returns before the browser has navigated."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 20).until(expected_conditions.staleness_of(page))


def _sign_in(browser, live_server, inbox, user) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{live_server.url}{reverse('admin:login')}")

    def submit(code: str = "") -> None:
        browser.find_element(By.NAME, "username").clear()
        browser.find_element(By.NAME, "username").send_keys(user.username)
        browser.find_element(By.NAME, "password").send_keys(DEFAULT_PASSWORD)
        if code:
            browser.find_element(By.NAME, "otp").send_keys(code)
        _submit_and_wait(
            browser, browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]")
        )

    # A right password alone only gets a code sent, and the form back.
    submit()
    assert "sign-in code has been sent" in browser.find_element(By.CLASS_NAME, "errornote").text
    assert "/login/" in browser.current_url
    submit(inbox.code_for(user.email))
    assert browser.current_url.rstrip("/").endswith(reverse("admin:index").rstrip("/"))
    assert browser.find_element(By.ID, "site-name").text


def test_staff_sign_in_with_a_code_browse_every_app_and_unblock_an_address(
    browser, live_server, inbox
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    staff = UserFactory(is_staff=True, is_superuser=True, email="ops@example.com")
    block = BlockedIP.objects.create(
        ip="203.0.113.7",
        reason="too many failed sign-ins",
        blocked_until=timezone.now() + timedelta(hours=1),
    )
    _sign_in(browser, live_server, inbox, staff)

    models_by_app: dict[str, list] = {}
    for model in admin.site._registry:
        models_by_app.setdefault(model._meta.app_label, []).append(model)
    for app_label, models in sorted(models_by_app.items()):
        browser.get(f"{live_server.url}{reverse('admin:app_list', args=[app_label])}")
        assert browser.find_elements(By.CSS_SELECTOR, f".app-{app_label}"), app_label
        for model in models:
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            browser.get(f"{live_server.url}{url}")
            assert browser.find_elements(By.ID, "changelist"), f"{opts.label}: {browser.title}"

    browser.get(f"{live_server.url}{reverse('admin:accounts_blockedip_changelist')}")
    browser.find_element(By.CSS_SELECTOR, f"input.action-select[value='{block.pk}']").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("unblock")
    _submit_and_wait(
        browser, browser.find_element(By.CSS_SELECTOR, "#changelist-form button[name=index]")
    )

    messages = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "ul.messagelist li")]
    assert messages == ["1 address block(s) lifted."], browser.page_source[-2000:]
    block.refresh_from_db()
    assert block.blocked_until <= timezone.now()
    assert AuditEvent.objects.filter(
        action="accounts.ip_block_lifted", actor=staff, target_id=str(block.pk)
    ).exists()


def test_analytics_page_is_linked_from_the_index(browser, live_server, inbox):
    from selenium.webdriver.common.by import By

    staff = UserFactory(is_staff=True, is_superuser=True, email="analyst@example.com")
    _sign_in(browser, live_server, inbox, staff)
    _submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#analytics-module a"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Analytics"
    assert browser.find_elements(By.CSS_SELECTOR, ".analytics-chart svg")
