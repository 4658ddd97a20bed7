import pytest
import responses

from tests.payments import razorpay_fake
from tests.recharge.conftest import (  # noqa: F401  (fixtures shared with the recharge tests)
    cheap_plan,
    group,
    on_postgres,
    other_subscriber,
    plan,
    staff,
    subscriber,
)


@pytest.fixture
def razorpay(settings):
    """Razorpay as the provider of new payments, its API answered by a fake."""
    settings.RAZORPAY_KEY_ID = razorpay_fake.KEY_ID
    settings.RAZORPAY_KEY_SECRET = razorpay_fake.KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = razorpay_fake.WEBHOOK_SECRET
    settings.PAYMENTS_PROVIDER = "razorpay"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield razorpay_fake.RazorpayFake(rsps)
