"""Registering with a referee code records the referrer's pending reward at once."""

import pytest

from recharge.models.subscriptions import ReferralReward
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_referee_code_at_registration_records_a_pending_reward(api_client, inbox):
    referrer = UserFactory(referral_code="FRIEND", subscriber_type="prepaid")
    api_client.post("/api/v1/auth/signup", {"phone_number": "9876543900"})
    tokens = api_client.post(
        "/api/v1/auth/verify-otp-signup",
        {"phone_number": "9876543900", "otp": inbox.code_for("+919876543900")},
    ).json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    response = api_client.post(
        "/api/v1/auth/register", {"name": "Newbie", "referee_code": "FRIEND"}
    )
    assert response.status_code == 200
    reward = ReferralReward.objects.get(referrer=referrer)
    assert reward.status == "pending"
