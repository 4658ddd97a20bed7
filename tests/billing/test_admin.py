import pytest
from django.urls import reverse

from audit.models import AuditEvent
from billing.models import Organization
from tests.billing.conftest import join
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, super_admin):
    client.force_login(super_admin)
    return client


def test_changelist_shows_the_tree_in_order(staff_client, tree):
    response = staff_client.get(reverse("admin:billing_organization_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    codes = ("KTL", "NORTH", "N-SUB-1", "N-SUB-2", "SOUTH")
    order = sorted(codes, key=lambda code: html.index(f">{code} Ltd<"))
    # Each organization comes right before the ones below it.
    assert order[0] == "KTL"
    north = order.index("NORTH")
    assert set(order[north + 1 : north + 3]) == {"N-SUB-1", "N-SUB-2"}
    assert 'padding-left:4em">N-SUB-1 Ltd' in html


def test_change_page_lists_the_organizations_below(staff_client, tree):
    url = reverse("admin:billing_organization_change", args=[tree["north"].pk])
    html = staff_client.get(url).content.decode()
    assert "N-SUB-1 Ltd" in html
    assert "N-SUB-2 Ltd" in html


def test_adding_in_the_admin_goes_through_the_service(staff_client, tree, super_admin):
    url = reverse("admin:billing_organization_add")
    form = {
        "company_name": "East Net",
        "company_code": "EAST",
        "parent": tree["ktl"].pk,
        "tier": "reseller",
        "default_reseller_share": "50.00",
        "default_sub_reseller_share": "45.00",
        "default_ktl_share_with_sub": "50.00",
        "default_reseller_share_with_sub": "5.00",
        "billing_settings": '{"default_grace_days": 2}',
        "sync_settings": "{}",
        "children-TOTAL_FORMS": "0",
        "children-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = staff_client.post(url, form)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
    )
    east = Organization.objects.get(company_code="EAST")
    assert east.path == f"{tree['ktl'].path}{east.pk}/"
    assert east.billing_settings["default_grace_days"] == 2
    assert east.billing_settings["max_manual_grace_days"] == 7
    assert AuditEvent.objects.filter(
        action="billing.organization_created", target_id=str(east.pk), actor=super_admin
    ).exists()


def test_the_admin_refuses_bad_settings(staff_client, tree):
    url = reverse("admin:billing_organization_change", args=[tree["south"].pk])
    response = staff_client.post(
        url,
        {
            "company_name": "SOUTH Ltd",
            "company_code": "SOUTH",
            "parent": tree["ktl"].pk,
            "tier": "reseller",
            "default_reseller_share": "50.00",
            "default_sub_reseller_share": "45.00",
            "default_ktl_share_with_sub": "50.00",
            "default_reseller_share_with_sub": "5.00",
            "billing_settings": '{"grace": 1}',
            "sync_settings": "{}",
            "children-TOTAL_FORMS": "0",
            "children-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "grace: Unknown setting" in response.content.decode()


def test_archive_action_refuses_organizations_in_use(staff_client, tree):
    join(UserFactory(), tree["south"])
    url = reverse("admin:billing_organization_changelist")
    response = staff_client.post(
        url,
        {"action": "archive_selected", "_selected_action": [tree["south"].pk, tree["n2"].pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "SOUTH Ltd still has 1 user(s)" in response.content.decode()
    assert Organization.objects.get(pk=tree["south"].pk).archived_at is None
    assert Organization.objects.get(pk=tree["n2"].pk).archived_at is not None
