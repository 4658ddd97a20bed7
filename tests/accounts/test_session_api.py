"""People list and end their own sessions; staff sign anyone out."""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import AuthSession, User
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_list_and_end_my_own_sessions(api_client, member, sign_in, bearer):
    phone, laptop = sign_in("member01"), sign_in("member01")
    UserFactory(username="other")
    theirs = sign_in("other")
    client = bearer(api_client, phone["access"])
    listed = client.get("/api/v1/auth/sessions").json()
    assert listed["count"] == 2
    assert {row["current"] for row in listed["results"]} == {True, False}

    # Someone else's session is not mine to see or end.
    assert client.delete(f"/api/v1/auth/sessions/{theirs['session_id']}").status_code == 404
    assert client.delete(f"/api/v1/auth/sessions/{laptop['session_id']}").json() == {"ended": 1}
    assert (
        bearer(api_client.__class__(), laptop["access"]).post("/api/v1/auth/verify").status_code
        == 401
    )
    assert (
        bearer(api_client.__class__(), theirs["access"]).post("/api/v1/auth/verify").status_code
        == 200
    )


def test_staff_sign_a_user_out_everywhere(api_client, member, sign_in):
    sign_in("member01"), sign_in("member01")
    api_client.force_authenticate(UserFactory())
    assert api_client.delete(f"/api/v1/admin/users/{member.pk}/sessions").status_code == 403
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename="change_user"))
    api_client.force_authenticate(User.objects.get(pk=staff.pk))
    assert api_client.delete(f"/api/v1/admin/users/{member.pk}/sessions").json() == {"ended": 2}
    assert not AuthSession.objects.filter(user=member, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(
        action="auth.sessions_ended", target_id=str(member.pk)
    ).exists()
