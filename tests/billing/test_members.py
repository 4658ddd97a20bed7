"""Placing people in organizations through the API: scoped to the caller's tree, no escalation,
audited."""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import StaffType, User
from audit.models import AuditEvent
from billing.models import OrganizationMembership
from tests.billing.conftest import join
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def members(organization) -> str:
    return f"/api/v1/organizations/{organization.pk}/members/"


def with_user_perms(user: User, *codenames: str) -> User:
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def placer(reseller_admin) -> User:
    """NorthNet's admin, allowed to manage organizations and users."""
    return with_user_perms(reseller_admin, "view_user", "change_user")


def place(client, organization, user):
    return client.post(members(organization), {"user_id": user.pk})


def test_a_super_admin_places_a_reseller_admin_audited(api_client, super_admin, tree):
    newcomer = UserFactory(username="north2", user_type=StaffType.RESELLER_ADMIN)
    api_client.force_authenticate(super_admin)
    response = place(api_client, tree["north"], newcomer)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user_id"] == newcomer.pk and body["organization_id"] == tree["north"].pk
    assert OrganizationMembership.objects.get(user=newcomer).organization == tree["north"]
    event = AuditEvent.objects.get(action="billing.membership_set", target_id=str(newcomer.pk))
    assert event.actor_id == super_admin.pk and event.after == {"organization": tree["north"].pk}

    moved = place(api_client, tree["south"], newcomer)
    assert moved.status_code == 200
    assert OrganizationMembership.objects.get(user=newcomer).organization == tree["south"]

    listed = api_client.get(members(tree["south"])).json()
    assert [row["user_id"] for row in listed["results"]] == [newcomer.pk]


def test_a_reseller_admin_places_within_its_own_tree_only(api_client, placer, tree):
    staff = UserFactory(username="fieldnorth", user_type=StaffType.FIELD_STAFF)
    api_client.force_authenticate(placer)
    assert place(api_client, tree["n1"], staff).status_code == 200
    assert place(api_client, tree["n2"], staff).status_code == 200  # moved inside its tree

    # Another tree's organization, or a person of another tree: not there for it.
    assert place(api_client, tree["south"], staff).status_code == 404
    southerner = join(UserFactory(username="southstaff"), tree["south"])
    assert place(api_client, tree["n1"], southerner).status_code == 404
    assert OrganizationMembership.objects.get(user=southerner).organization == tree["south"]
    assert api_client.get(members(tree["south"])).status_code == 404


@pytest.mark.parametrize(
    "power",
    [
        {"is_superuser": True},
        {"user_type": StaffType.ADMIN},
        {"user_type": StaffType.SUPER_ADMIN},
    ],
)
def test_a_reseller_admin_cannot_place_someone_above_itself(api_client, placer, tree, power):
    boss = UserFactory(username="boss", **power)
    api_client.force_authenticate(placer)
    response = place(api_client, tree["n1"], boss)
    assert response.status_code == 403
    assert not OrganizationMembership.objects.filter(user=boss).exists()


def test_a_reseller_admin_cannot_place_someone_with_permissions_it_lacks(api_client, placer, tree):
    stronger = with_user_perms(UserFactory(username="stronger"), "delete_user")
    api_client.force_authenticate(placer)
    assert place(api_client, tree["n1"], stronger).status_code == 403
    weaker = with_user_perms(UserFactory(username="weaker"), "view_user")
    assert place(api_client, tree["n1"], weaker).status_code == 200


def test_placing_needs_the_permissions(api_client, reseller_admin, tree):
    staff = UserFactory(username="someone")
    api_client.force_authenticate(reseller_admin)  # organizations, but not users
    assert place(api_client, tree["n1"], staff).status_code == 403


def test_taking_someone_out_is_scoped_and_audited(api_client, placer, super_admin, tree):
    staff = join(UserFactory(username="leaving"), tree["n1"])
    southerner = join(UserFactory(username="southstaff"), tree["south"])
    api_client.force_authenticate(placer)
    south = f"{members(tree['south'])}{southerner.pk}/"
    assert api_client.delete(south).status_code == 404
    gone = api_client.delete(f"{members(tree['n1'])}{staff.pk}/")
    assert gone.status_code == 204
    assert not OrganizationMembership.objects.filter(user=staff).exists()
    assert AuditEvent.objects.filter(
        action="billing.membership_removed", target_id=str(staff.pk)
    ).exists()
