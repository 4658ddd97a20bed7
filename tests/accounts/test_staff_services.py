"""Staff accounts made or changed with their roles: one transaction, all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError

from accounts.models import Role, User, UserRole
from accounts.services.staff import staff_member_create, staff_member_update
from audit.models import AuditEvent
from tests.accounts.test_roles_support import fresh, make_role, perms
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _creator(*codenames):
    creator = UserFactory(is_staff=True)
    creator.user_permissions.add(*perms(*codenames))
    return fresh(creator)


def test_creates_the_account_with_every_role_by_id_or_instance():
    first, second = make_role("svc_first"), make_role("svc_second")
    user = staff_member_create(
        actor=UserFactory(is_superuser=True, is_staff=True),
        roles=[second.pk, first],
        reason="new",
        username="ops_new",
        email="ops.new@example.com",
    )
    assert user.is_staff
    held = set(UserRole.objects.filter(user=user).values_list("role__name", flat=True))
    assert held == {"svc_first", "svc_second"}


def test_an_unknown_role_id_names_the_field_and_makes_nothing():
    top = Role.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with pytest.raises(ValidationError) as refused:
        staff_member_create(
            actor=UserFactory(is_superuser=True, is_staff=True),
            roles=[top + 1000],
            reason="new",
            username="ops_ghost",
        )
    assert "roles" in refused.value.detail
    assert not User.objects.filter(username="ops_ghost").exists()


def test_a_role_the_actor_cannot_grant_leaves_no_account_and_no_audit_event():
    creator = _creator("accounts.add_user")  # but not assign_role
    with pytest.raises(PermissionDenied):
        staff_member_create(
            actor=creator, roles=[make_role("svc_lead")], reason="new", username="ops_half"
        )
    assert not User.objects.filter(username="ops_half").exists()
    assert not AuditEvent.objects.filter(action="accounts.user_created").exists()


def test_a_refused_role_change_keeps_the_profile_change_out_too():
    member = UserFactory(is_staff=True, first_name="Before")
    actor = _creator("accounts.change_user")  # but not assign_role
    with pytest.raises(PermissionDenied):
        staff_member_update(
            actor=actor, user=member, changes={"first_name": "After"}, role=make_role("svc_x")
        )
    assert User.objects.get(pk=member.pk).first_name == "Before"
