"""Nobody locks the platform out: the last active superuser, and an admin's own account."""

import contextlib
import threading

import pytest
from django.db import connection
from django.urls import reverse

from accounts.errors import AccountProtected
from accounts.models import AccountStatus, User
from accounts.services import protection
from accounts.services.users import user_block
from audit.models import AuditEvent
from tests.accounts.test_roles_support import act_as, fresh, give, make_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def superuser(**extra) -> User:
    return UserFactory(is_staff=True, is_superuser=True, mobile=None, **extra)


# --- one's own account, through the API -------------------------------------------------------


def test_an_admin_cannot_archive_their_own_account(api_client):
    boss = superuser()
    superuser()  # not the last one: the refusal is about whose account it is
    act_as(api_client, boss)

    response = api_client.delete(f"/api/v1/users/{boss.pk}/")

    assert response.status_code == 409
    assert response.json()["code"] == "own_account"
    assert "your own" in response.json()["message"]
    assert fresh(boss).status == AccountStatus.ACTIVE


def test_staff_cannot_deactivate_their_own_account_but_a_subscriber_can(api_client):
    staff = UserFactory(is_staff=True)
    act_as(api_client, staff)
    refused = api_client.post("/api/v1/user/me/deactivate")
    assert refused.status_code == 409 and refused.json()["code"] == "own_account"
    assert fresh(staff).status == AccountStatus.ACTIVE

    subscriber = UserFactory(subscriber_type="prepaid")
    act_as(api_client, subscriber)
    assert api_client.post("/api/v1/user/me/deactivate").status_code == 200
    assert fresh(subscriber).status == AccountStatus.DEACTIVATED


def test_an_admin_cannot_revoke_their_own_last_assigning_role(api_client):
    lead = UserFactory(is_staff=True)
    role = make_role(
        "access_lead", level=60, permissions=("accounts.assign_role",), can_assign=True
    )
    give(lead, role)
    act_as(api_client, lead)

    response = api_client.post(
        "/api/v1/admin/roles/revoke_role", {"user_id": lead.pk, "role": "access_lead"}
    )

    assert response.status_code == 409 and response.json()["code"] == "own_account"
    assert lead.role_assignments.filter(revoked_at__isnull=True).exists()


def test_demoting_an_admin_kind_of_oneself_is_refused(api_client):
    boss = superuser(user_type="super_admin")
    superuser()
    act_as(api_client, boss)
    response = api_client.patch(f"/api/v1/users/{boss.pk}/", {"user_type": "support_staff"})
    assert response.status_code == 409
    assert fresh(boss).user_type == "super_admin"


# --- the last active superuser ---------------------------------------------------------------


def test_the_last_superusers_last_assigning_role_stays(api_client):
    only = superuser()
    role = make_role("root_role", level=10, can_assign=True)
    give(only, role)
    assigner = UserFactory(is_staff=True)
    give(
        assigner,
        make_role("assigner", level=50, permissions=("accounts.assign_role",), can_assign=True),
    )
    act_as(api_client, assigner)

    response = api_client.post(
        "/api/v1/admin/roles/revoke_role", {"user_id": only.pk, "role": "root_role"}
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "last_superuser"
    assert "last active superuser" in body["message"]
    assert only.role_assignments.filter(revoked_at__isnull=True).exists()

    # With a second superuser it is an ordinary revocation.
    superuser()
    ok = api_client.post(
        "/api/v1/admin/roles/revoke_role", {"user_id": only.pk, "role": "root_role"}
    )
    assert ok.status_code == 200, ok.content


def test_the_guard_counts_only_active_superusers():
    only, blocked = superuser(), superuser(status=AccountStatus.BLOCKED)
    with pytest.raises(AccountProtected) as refused:
        protection.admin_loss_guard(actor=None, user=only, what="archive")
    assert refused.value.get_codes() == "last_superuser"
    # The blocked one may go: the active one still stands.
    protection.admin_loss_guard(actor=None, user=blocked, what="archive")


def test_another_superuser_is_blocked_normally(api_client):
    boss, other = superuser(), superuser()
    act_as(api_client, boss)
    response = api_client.post("/api/v1/admin/block/block_user", {"user_id": other.pk})
    assert response.status_code == 200, response.content
    assert fresh(other).status == AccountStatus.BLOCKED


# --- the Django admin ----------------------------------------------------------------------------


def _change_form_data(user: User, **overrides) -> dict:
    data = {
        "username": user.username,
        "email": user.email or "",
        "mobile": user.mobile or "",
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language_preference": user.language_preference,
        "timezone": user.timezone,
        "user_type": user.user_type,
        "subscriber_type": user.subscriber_type,
        "status": user.status,
        "status_reason": "",
        "blocked_until": "",
        "is_email_verified": "",
        "is_phone_verified": "",
        "two_factor_enabled": "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "role_assignments-TOTAL_FORMS": "0",
        "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def test_the_change_form_cannot_unmake_the_only_superuser(client):
    only = superuser()
    client.force_login(only)
    url = reverse("admin:accounts_user_change", args=[only.pk])

    response = client.post(url, _change_form_data(only, is_superuser=""), follow=True)

    assert response.status_code == 200
    assert "your own administrator account" in response.content.decode()
    assert fresh(only).is_superuser


def test_the_change_form_demotes_another_superuser_with_an_audit_event(client):
    boss, other = superuser(), superuser()
    client.force_login(boss)
    url = reverse("admin:accounts_user_change", args=[other.pk])

    client.post(url, _change_form_data(other, is_superuser=""), follow=True)

    assert not fresh(other).is_superuser
    event = AuditEvent.objects.get(action="accounts.user_changed_in_admin")
    assert event.before["is_superuser"] is True and event.after["is_superuser"] is False


def test_admin_actions_never_take_the_actor_or_the_last_superuser(client):
    boss, other = superuser(), superuser()
    client.force_login(boss)
    url = reverse("admin:accounts_user_changelist")

    response = client.post(
        url,
        {"action": "block_accounts", "_selected_action": [boss.pk, other.pk]},
        follow=True,
    )

    assert fresh(other).status == AccountStatus.BLOCKED
    assert fresh(boss).status == AccountStatus.ACTIVE
    assert "your own account" in response.content.decode()

    archive = client.post(
        url, {"action": "archive_accounts", "_selected_action": [boss.pk]}, follow=True
    )
    assert fresh(boss).status == AccountStatus.ACTIVE
    assert "your own administrator account" in archive.content.decode()


def test_accounts_are_never_deleted_in_the_admin(client):
    boss = superuser()
    client.force_login(boss)
    url = reverse("admin:accounts_user_delete", args=[boss.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=boss.pk).exists()


# --- two admins at once -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_superusers_blocking_each_other_at_once_leave_one(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter")
    first, second = superuser(), superuser()
    counted = threading.Barrier(2)
    count = protection.active_superusers_locked

    def count_then_wait():
        ids = count()
        # Without the lock both would count two here and both would go ahead.
        with contextlib.suppress(threading.BrokenBarrierError):
            counted.wait(timeout=2)
        return ids

    monkeypatch.setattr(protection, "active_superusers_locked", count_then_wait)
    outcomes: list = [None, None]

    def block(i: int, actor: User, target: User) -> None:
        try:
            user_block(actor=actor, user=target)
            outcomes[i] = "blocked"
        except AccountProtected as exc:
            outcomes[i] = exc.get_codes()
        finally:
            connection.close()

    threads = [
        threading.Thread(target=block, args=(0, first, second)),
        threading.Thread(target=block, args=(1, second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["blocked", "last_superuser"]
    assert User.objects.filter(is_superuser=True, status=AccountStatus.ACTIVE).count() == 1
