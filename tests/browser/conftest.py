import os

import pytest

from tests.browser.chromium import chromium, missing


@pytest.fixture
def browser():
    reason = missing()
    if reason:
        if os.environ.get("CI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"the browser test must run here: {reason}")
        pytest.skip(reason)
    with chromium() as driver:
        yield driver
