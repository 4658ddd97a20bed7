"""Detection of hostile sign-in patterns, and the four security reports built on it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import AccountStatus, ActivityKind, BlockedIP, SuspiciousActivity, User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STUFFER = "203.0.113.66"


def login(client, login_id, password="wrong-password-1", ip="198.51.100.1", **extra):
    return client.post(
        "/api/v1/auth/login", {"username": login_id, "password": password}, REMOTE_ADDR=ip, **extra
    )


def test_credential_stuffing_raises_an_alert_and_blocks_the_address(api_client, member):
    for n in range(10):
        assert login(api_client, f"victim{n}", ip=STUFFER).status_code == 401
    finding = SuspiciousActivity.objects.get(kind=ActivityKind.CREDENTIAL_STUFFING)
    assert finding.ip == STUFFER and finding.threat_level == "high"
    assert finding.action_taken == "ip_blocked"
    assert BlockedIP.objects.filter(ip=STUFFER, blocked_until__gt=timezone.now()).exists()
    # Even the right password is refused from that address, and nowhere else.
    refused = login(api_client, "member01", DEFAULT_PASSWORD, ip=STUFFER)
    assert refused.status_code == 403 and refused.json()["code"] == "ip_blocked"
    assert login(api_client, "member01", DEFAULT_PASSWORD, ip="198.51.100.200").status_code == 200
    phone = api_client.post(
        "/api/v1/auth/login", {"phone_number": "9876543210"}, REMOTE_ADDR=STUFFER
    )
    assert phone.status_code == 403


def test_the_address_block_expires(api_client, member):
    for n in range(10):
        login(api_client, f"victim{n}", ip=STUFFER)
    BlockedIP.objects.update(blocked_until=timezone.now() - timedelta(seconds=1))
    from django.core.cache import cache

    cache.clear()  # the per-address failure counter is a separate, shorter rule
    assert login(api_client, "member01", DEFAULT_PASSWORD, ip=STUFFER).status_code == 200


def test_repeated_failures_on_one_account_are_recorded(api_client, member):
    for _ in range(5):
        login(api_client, "member01")
    finding = SuspiciousActivity.objects.get(kind=ActivityKind.MULTIPLE_FAILED_LOGINS)
    assert finding.user == member and finding.action_taken == "lock"
    login(api_client, "member01", ip="198.51.100.9")
    assert SuspiciousActivity.objects.filter(kind=ActivityKind.MULTIPLE_FAILED_LOGINS).count() == 1


def test_otp_abuse_blocks_the_address(api_client, inbox):
    from accounts.models import OtpChallenge

    UserFactory(username="twofa", mobile="+919811111111", two_factor_enabled=True)
    ip = "203.0.113.77"
    for _ in range(2):
        request_id = login(api_client, "twofa", DEFAULT_PASSWORD, ip="198.51.100.5").json()[
            "request_id"
        ]
        for _ in range(5):
            api_client.post(
                "/api/v1/auth/verify_login_otp",
                {"request_id": request_id, "otp": "000000"},
                REMOTE_ADDR=ip,
            )
    assert OtpChallenge.objects.filter(attempts=5).count() == 2
    finding = SuspiciousActivity.objects.get(kind=ActivityKind.OTP_ABUSE)
    assert finding.ip == ip and finding.threat_level == "high"
    assert BlockedIP.objects.filter(ip=ip).exists()


def test_sign_in_from_a_new_device_tells_the_owner(api_client, member, inbox):
    chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
    )
    login(api_client, "member01", DEFAULT_PASSWORD, ip="198.51.100.1", HTTP_USER_AGENT=chrome)
    login(api_client, "member01", DEFAULT_PASSWORD, ip="198.51.100.1", HTTP_USER_AGENT=chrome)
    assert not SuspiciousActivity.objects.exists()
    login(api_client, "member01", DEFAULT_PASSWORD, ip="203.0.113.5", HTTP_USER_AGENT=iphone)
    finding = SuspiciousActivity.objects.get(kind=ActivityKind.NEW_DEVICE)
    assert finding.user == member and finding.action_taken == "user_notified"
    assert [m.subject for m in inbox.mail] == ["New sign-in"]


def test_a_blocked_account_trying_to_sign_in_is_recorded(api_client):
    UserFactory(username="blocked1", status=AccountStatus.BLOCKED)
    assert login(api_client, "blocked1", DEFAULT_PASSWORD).status_code == 403
    assert SuspiciousActivity.objects.filter(kind=ActivityKind.BLOCKED_USER_ACCESS).count() == 1


REPORTS = [
    "/api/v1/admin/reports/security/get_security_summary",
    "/api/v1/admin/reports/security/get_suspicious_activities",
    "/api/v1/admin/reports/security/get_ip_threats",
    "/api/v1/admin/reports/security/get_security_alerts",
]


@pytest.mark.parametrize("path", REPORTS)
def test_reports_are_for_staff_only(api_client, member, path):
    assert api_client.get(path).status_code == 401
    api_client.force_authenticate(member)
    assert api_client.get(path).status_code == 403


@pytest.fixture
def analyst(api_client):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename="view_suspiciousactivity"))
    api_client.force_authenticate(User.objects.get(pk=user.pk))
    return api_client


def test_reports_compute_from_the_findings(api_client, member, analyst):
    for n in range(10):
        login(api_client, f"victim{n}", ip=STUFFER)
    for _ in range(5):
        login(api_client, "member01")
    UserFactory(status=AccountStatus.BLOCKED)

    summary = analyst.get("/api/v1/admin/reports/security/get_security_summary").json()
    assert summary["suspicious_activities"] == 2
    assert summary["failed_login_attempts"] == 15
    assert summary["blocked_users"] == 1 and summary["blocked_ips"] == 1
    assert summary["threat_level"] == "high"
    assert 0 <= summary["security_score"] < 100
    assert summary["recommendations"]

    activities = analyst.get(
        "/api/v1/admin/reports/security/get_suspicious_activities?days=7"
    ).json()
    assert activities["total_suspicious"] == 2
    assert {a["activity_type"] for a in activities["activities"]} == {
        "credential_stuffing",
        "multiple_failed_logins",
    }

    threats = analyst.get("/api/v1/admin/reports/security/get_ip_threats?days=30").json()
    worst = threats["suspicious_ips"][0]
    assert worst["ip"] == STUFFER and worst["failed_attempts"] == 10 and worst["blocked"] is True

    alerts = analyst.get("/api/v1/admin/reports/security/get_security_alerts?days=30").json()
    assert alerts["total_alerts"] == 2 and alerts["high"] == 1 and alerts["medium"] == 1
