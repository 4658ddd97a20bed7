import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import StaffType, User
from audit.models import AuditEvent
from billing import selectors, services
from billing.models import Organization, OrganizationMembership
from config.exceptions import Conflict
from tests.billing.conftest import join
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_subtree_and_visibility_selectors(tree, reseller_admin, sub_reseller_admin, super_admin):
    north_tree = {tree["north"].pk, tree["n1"].pk, tree["n2"].pk}
    assert {o.pk for o in selectors.organization_subtree(tree["north"])} == north_tree
    assert {o.pk for o in selectors.organizations_visible_to(reseller_admin)} == north_tree
    assert {o.pk for o in selectors.organizations_visible_to(sub_reseller_admin)} == {tree["n1"].pk}
    assert selectors.organizations_visible_to(super_admin).count() == 5
    assert selectors.user_organization(reseller_admin) == tree["north"]
    assert selectors.user_organization(super_admin) is None


def test_visibility_is_one_query(tree, reseller_admin, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(list(selectors.organizations_visible_to(reseller_admin))) == 3


def test_users_visible_to_follows_the_tree(tree, reseller_admin, sub_reseller_admin):
    in_south = join(UserFactory(), tree["south"])
    in_n2 = join(UserFactory(), tree["n2"])
    loner = UserFactory()
    seen = set(selectors.users_visible_to(reseller_admin).values_list("pk", flat=True))
    assert seen == {reseller_admin.pk, sub_reseller_admin.pk, in_n2.pk}
    seen_by_sub = set(selectors.users_visible_to(sub_reseller_admin).values_list("pk", flat=True))
    assert seen_by_sub == {sub_reseller_admin.pk}
    admin = UserFactory(user_type=StaffType.ADMIN)
    assert {in_south.pk, loner.pk} <= set(
        selectors.users_visible_to(admin).values_list("pk", flat=True)
    )
    assert list(selectors.users_visible_to(loner)) == [loner]


def test_an_archived_organization_gives_its_members_no_scope(tree, sub_reseller_admin, super_admin):
    OrganizationMembership.objects.filter(user=sub_reseller_admin).delete()
    services.organization_archive(organization=tree["n1"], actor=super_admin)
    join(sub_reseller_admin, tree["n1"])  # left behind in an archived organization
    assert selectors.user_organization(sub_reseller_admin) is None
    assert not selectors.organizations_visible_to(sub_reseller_admin).exists()


def test_membership_set_moves_and_audits(tree, super_admin):
    user = UserFactory()
    services.membership_set(user=user, organization=tree["north"], actor=super_admin)
    services.membership_set(user=user, organization=tree["south"], actor=super_admin)
    assert User.objects.get(pk=user.pk).membership.organization == tree["south"]
    events = AuditEvent.objects.filter(action="billing.membership_set").order_by("sequence")
    assert [(e.before, e.after) for e in events] == [
        ({"organization": None}, {"organization": tree["north"].pk}),
        ({"organization": tree["north"].pk}, {"organization": tree["south"].pk}),
    ]
    services.membership_remove(user=user, actor=super_admin)
    assert not OrganizationMembership.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="billing.membership_removed").count() == 1


def test_a_reseller_admin_manages_members_of_their_tree_only(tree, reseller_admin):
    user = UserFactory()
    services.membership_set(user=user, organization=tree["n1"], actor=reseller_admin)
    with pytest.raises(PermissionDenied):
        services.membership_set(user=user, organization=tree["south"], actor=reseller_admin)
    southerner = join(UserFactory(), tree["south"])
    with pytest.raises(PermissionDenied):
        services.membership_set(user=southerner, organization=tree["n1"], actor=reseller_admin)
    with pytest.raises(PermissionDenied):
        services.membership_remove(user=southerner, actor=reseller_admin)


def test_nobody_joins_an_archived_organization(tree, super_admin):
    services.organization_archive(organization=tree["n2"], actor=super_admin)
    with pytest.raises(ValidationError):
        services.membership_set(user=UserFactory(), organization=tree["n2"], actor=super_admin)


def test_restore_needs_the_parent_restored_first(tree, super_admin):
    for key in ("n1", "n2", "north"):
        services.organization_archive(organization=tree[key], actor=super_admin)
    with pytest.raises(Conflict):
        services.organization_restore(organization=tree["n1"], actor=super_admin)
    services.organization_restore(organization=tree["north"], actor=super_admin)
    services.organization_restore(organization=tree["n1"], actor=super_admin)
    assert Organization.objects.active().filter(pk=tree["n1"].pk).exists()
    assert AuditEvent.objects.filter(action="billing.organization_restored").count() == 2


def test_a_tier_change_is_refused_while_organizations_sit_below(tree, super_admin):
    with pytest.raises(ValidationError) as caught:
        services.organization_update(
            organization=tree["north"], actor=super_admin, changes={"parent": None}
        )
    assert "tier" in caught.value.message_dict


def test_the_database_refuses_a_broken_split():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(
            company_name="X",
            company_code="X",
            tier="company",
            revenue_sharing_enabled=True,
            default_sub_reseller_share=60,
        )


def test_the_database_refuses_a_duplicate_code_in_another_case(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(company_name="X", company_code="ktl", tier="company")
