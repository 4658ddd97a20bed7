"""Sign-up and contact-form limits come from settings, overridable from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup"
REGISTER = "/api/v1/auth/register/initiate"
CONTACT = "/api/v1/contact-from/contacts/"


def signup(client, number="9876543300", ip="198.51.100.30"):
    return client.post(SIGNUP, {"phone_number": number, "user_type": "prepaid"}, REMOTE_ADDR=ip)


def test_signup_codes_per_phone_follow_the_setting(api_client, settings):
    settings.AUTH_SIGNUP_CODES_PER_PHONE_PER_HOUR = 2
    assert [signup(api_client).status_code for _ in range(3)] == [200, 200, 429]
    # Another number is counted apart.
    assert signup(api_client, number="9876543301").status_code == 200


def test_signup_codes_per_phone_default_to_five(api_client):
    assert [signup(api_client).status_code for _ in range(6)] == [200] * 5 + [429]


def test_registrations_per_address_follow_the_setting(api_client, settings):
    settings.AUTH_REGISTRATIONS_PER_IP_PER_HOUR = 1
    first = api_client.post(
        REGISTER,
        {"email": "a1@example.com", "mobile": "9876543310", "password": "Correct-Horse-42"},
        REMOTE_ADDR="198.51.100.31",
    )
    second = signup(api_client, number="9876543311", ip="198.51.100.31")
    assert (first.status_code, second.status_code) == (200, 429)
    assert signup(api_client, number="9876543311", ip="198.51.100.32").status_code == 200


def test_contact_messages_per_address_follow_the_setting(api_client, settings):
    settings.CONTACT_MESSAGES_PER_IP_PER_HOUR = 1
    message = {"name": "User", "email": "user@example.com", "description": "I need help"}
    codes = [api_client.post(CONTACT, message).status_code for _ in range(2)]
    assert codes == [201, 429]


@pytest.mark.slow
def test_the_limits_are_read_from_the_environment():
    env = {
        **os.environ,
        "AUTH_SIGNUP_CODES_PER_PHONE_PER_HOUR": "7",
        "AUTH_REGISTRATIONS_PER_IP_PER_HOUR": "11",
        "CONTACT_MESSAGES_PER_IP_PER_HOUR": "13",
        "AUTH_STAFF_SECOND_FACTOR": "false",
    }
    code = (
        "from django.conf import settings as s; print(s.AUTH_SIGNUP_CODES_PER_PHONE_PER_HOUR, "
        "s.AUTH_REGISTRATIONS_PER_IP_PER_HOUR, s.CONTACT_MESSAGES_PER_IP_PER_HOUR, "
        "s.AUTH_STAFF_SECOND_FACTOR)"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert out.stdout.strip().splitlines()[-1].split() == ["7", "11", "13", "False"]
