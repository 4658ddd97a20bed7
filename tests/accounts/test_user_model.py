"""One user model: identifiers unique when present, status decides who may act."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AccountStatus, StaffType, User
from audit.chain import verify_chain
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_createsuperuser_noinput_reads_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Root@Example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "A-long-admin-passphrase-1")
    call_command("createsuperuser", "--noinput", verbosity=0)

    user = User.objects.get(username="root")
    assert user.is_superuser and user.is_staff and user.is_active
    assert user.user_type == StaffType.SUPER_ADMIN
    assert user.email == "root@example.com"
    assert user.check_password("A-long-admin-passphrase-1")
    event = AuditEvent.objects.get(action="accounts.superuser_created")
    assert event.target_id == str(user.pk)
    assert verify_chain().ok


def test_mobile_is_stored_in_e164():
    user = User.objects.create_user(mobile="98765 43210")
    assert user.mobile == "+919876543210"
    bangladesh = User.objects.create_user(mobile="+880 1712-345678")
    assert bangladesh.mobile == "+8801712345678"


def test_invalid_mobile_is_refused():
    with pytest.raises(ValidationError) as info:
        User.objects.create_user(mobile="12345")
    assert "mobile" in info.value.message_dict


@pytest.mark.parametrize(
    ("field", "first", "second"),
    [
        ("email", "Person@Example.com", "person@example.COM"),
        ("username", "Admin001", "admin001"),
        ("mobile", "9876543210", "+91 98765 43210"),
    ],
)
def test_identifiers_are_unique_when_present(field, first, second):
    User.objects.create_user(**{field: first})
    with pytest.raises(ValidationError):
        User.objects.create_user(**{field: second})


def test_many_accounts_may_lack_an_email_or_username():
    User.objects.create_user(mobile="9876543210")
    User.objects.create_user(mobile="9876543211")
    assert User.objects.filter(email__isnull=True, username__isnull=True).count() == 2


def test_database_refuses_an_account_with_no_identifier():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(first_name="Nobody")])


def test_database_enforces_case_insensitive_email_uniqueness():
    User.objects.bulk_create([User(email="dup@example.com")])
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="DUP@example.com")])


def test_database_refuses_unknown_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(username="x", status="suspended")])


@pytest.mark.parametrize(
    ("status", "active"),
    [
        (AccountStatus.ACTIVE, True),
        (AccountStatus.BLOCKED, False),
        (AccountStatus.DEACTIVATED, False),
        (AccountStatus.ARCHIVED, False),
    ],
)
def test_only_active_accounts_are_active(status, active):
    assert UserFactory(status=status).is_active is active


def test_a_timed_block_lifts_by_itself():
    user = UserFactory(
        status=AccountStatus.BLOCKED, blocked_until=timezone.now() + timedelta(minutes=5)
    )
    assert user.is_active is False
    user.blocked_until = timezone.now() - timedelta(seconds=1)
    assert user.is_active is True


def test_blocked_until_requires_a_block():
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(status=AccountStatus.ACTIVE, blocked_until=timezone.now())


def test_inactive_account_cannot_pass_a_permission_check():
    admin = UserFactory(is_superuser=True)
    assert admin.has_perm("accounts.view_user")
    admin.status = AccountStatus.BLOCKED
    assert not admin.has_perm("accounts.view_user")
