"""Staff sign in with a second factor; an address block does not lock out a superuser."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import BlockedIP, LoginActivity, LoginEvent, OtpChallenge
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login"
VERIFY = "/api/v1/auth/verify_login_otp"
BLOCKED = "203.0.113.50"


def login(client, login_id, password=DEFAULT_PASSWORD, ip="198.51.100.1"):
    return client.post(LOGIN, {"username": login_id, "password": password}, REMOTE_ADDR=ip)


def verify(client, request_id, code, ip="198.51.100.1"):
    return client.post(VERIFY, {"request_id": request_id, "otp": code}, REMOTE_ADDR=ip)


def block(ip: str = BLOCKED) -> BlockedIP:
    return BlockedIP.objects.create(
        ip=ip, reason="credential stuffing", blocked_until=timezone.now() + timedelta(hours=1)
    )


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run what a request leaves for after commit (the code's delivery), as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def staff():
    return UserFactory(username="ops01", email="ops@example.com", is_staff=True)


@pytest.fixture
def root():
    return UserFactory(
        username="root01", email="root@example.com", is_staff=True, is_superuser=True
    )


# --- rule: staff give the second factor ---------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "root"])
def test_staff_and_superusers_get_a_challenge_then_tokens(api_client, inbox, request, who):
    user = request.getfixturevalue(who)
    assert not user.two_factor_enabled

    response = login(api_client, user.username)

    assert response.status_code == 200
    body = response.json()
    assert body["otp_sent"] is True and "access" not in body and "refresh" not in body
    tokens = verify(api_client, body["request_id"], inbox.code_for(user.email))
    assert tokens.status_code == 200 and tokens.json()["user"]["id"] == user.pk


def test_a_subscriber_without_two_factor_still_gets_tokens_at_once(api_client):
    UserFactory(username="plain01")
    response = login(api_client, "plain01")
    assert response.status_code == 200 and "access" in response.json()


def test_the_local_development_switch_lets_staff_in_on_the_password(api_client, staff, settings):
    settings.AUTH_STAFF_SECOND_FACTOR = False
    response = login(api_client, staff.username)
    assert response.status_code == 200 and "access" in response.json()


def test_token_only_endpoint_and_phone_codes_never_skip_the_staff_second_factor(api_client, inbox):
    UserFactory(username="ops02", is_staff=True, mobile="+919811100000")
    token = api_client.post(
        "/api/v1/auth/token", {"username": "ops02", "password": DEFAULT_PASSWORD}
    )
    assert token.status_code == 403 and token.json()["code"] == "two_factor_required"

    phone = api_client.post(LOGIN, {"phone_number": "9811100000"})
    assert phone.status_code == 200  # the same reply as for anyone ...
    assert inbox.count_to("+919811100000") == 0  # ... but a code alone would skip the password


def test_the_admin_site_asks_staff_for_the_code(client, root, inbox, sent):
    url = reverse("admin:login")
    with sent():
        first = client.post(url, {"username": root.username, "password": DEFAULT_PASSWORD})
    assert first.status_code == 200
    assert "sign-in code has been sent" in first.content.decode()
    assert "_auth_user_id" not in client.session

    wrong = client.post(
        url, {"username": root.username, "password": DEFAULT_PASSWORD, "otp": "000000"}
    )
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session

    code = inbox.code_for(root.email)
    signed_in = client.post(
        url, {"username": root.username, "password": DEFAULT_PASSWORD, "otp": code}
    )
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(root.pk)


def test_the_admin_site_code_belongs_to_the_one_who_asked(client, root, staff, inbox, sent):
    url = reverse("admin:login")
    with sent():
        client.post(url, {"username": staff.username, "password": DEFAULT_PASSWORD})
    staff_code = inbox.code_for(staff.email)
    # The code sent for one account does not open another.
    response = client.post(
        url, {"username": root.username, "password": DEFAULT_PASSWORD, "otp": staff_code}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session


# --- rule: an address block and the superuser ----------------------------------------------------


def test_a_superuser_passes_an_address_block_with_password_and_code(api_client, root, inbox):
    block()

    challenge = login(api_client, root.username, ip=BLOCKED)

    assert challenge.status_code == 200, challenge.content
    request_id = challenge.json()["request_id"]
    tokens = verify(api_client, request_id, inbox.code_for(root.email), ip=BLOCKED)
    assert tokens.status_code == 200, tokens.content
    event = AuditEvent.objects.get(action="auth.address_block_passed")
    assert event.actor_id == root.pk and event.ip == BLOCKED


def test_a_superuser_with_a_wrong_password_is_refused_as_blocked(api_client, root):
    block()
    response = login(api_client, root.username, password="not-the-password-9", ip=BLOCKED)
    assert response.status_code == 403 and response.json()["code"] == "ip_blocked"
    assert not OtpChallenge.objects.filter(user=root).exists()


def test_everyone_else_gets_one_refusal_whatever_the_password(api_client, staff, inbox):
    block()
    UserFactory(username="plain02", email="plain@example.com")

    replies = [
        login(api_client, "plain02", ip=BLOCKED),
        login(api_client, "plain02", password="not-the-password-9", ip=BLOCKED),
        login(api_client, staff.username, ip=BLOCKED),
        login(api_client, "nobody-at-all", ip=BLOCKED),
    ]

    assert {r.status_code for r in replies} == {403}
    assert len({r.content for r in replies}) == 1
    assert replies[0].json()["code"] == "ip_blocked"
    assert not OtpChallenge.objects.exists()
    assert inbox.mail == [] and inbox.sms == []
    # Every attempt is recorded the same way, right password or not.
    reasons = set(
        LoginActivity.objects.filter(event=LoginEvent.LOGIN_FAILED).values_list("reason", flat=True)
    )
    assert reasons == {"ip_blocked"}


def test_a_code_asked_for_before_the_block_no_longer_opens_it(api_client, staff, inbox):
    challenge = login(api_client, staff.username, ip=BLOCKED).json()
    block()
    response = verify(api_client, challenge["request_id"], inbox.code_for(staff.email), ip=BLOCKED)
    assert response.status_code == 403 and response.json()["code"] == "ip_blocked"


def test_attempts_from_a_blocked_address_count_towards_the_lock(api_client):
    block()
    UserFactory(username="plain03")
    for _ in range(5):
        login(api_client, "plain03", ip=BLOCKED)
    assert login(api_client, "plain03", ip=BLOCKED).status_code == 429
