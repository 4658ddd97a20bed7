import pytest
from django.contrib.auth.models import Permission

from tests.factories import UserFactory
from tests.kyc.support import load_ifsc_directory


@pytest.fixture(autouse=True)
def ifsc_directory(request):
    """Every database test of KYC runs with the sample bank directory loaded."""
    if request.node.get_closest_marker("django_db") is None:
        return None
    request.getfixturevalue("db")
    return load_ifsc_directory()


@pytest.fixture
def person():
    return UserFactory(
        username="rahul",
        first_name="Rahul",
        last_name="Sharma",
        email="rahul@example.com",
        mobile="+919876543210",
    )


@pytest.fixture
def other_person():
    return UserFactory(
        username="priya",
        first_name="Priya",
        last_name="Patel",
        email="priya@example.com",
        mobile="+919876500002",
    )


def _with_perms(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # permissions are cached on the instance


@pytest.fixture
def reviewer():
    return _with_perms(UserFactory(username="reviewer", is_staff=True), "review_kyc")


@pytest.fixture
def report_viewer():
    return _with_perms(UserFactory(username="analyst", is_staff=True), "view_kyc_report")


@pytest.fixture
def client_for(api_client):
    def _client_for(user):
        api_client.force_authenticate(user)
        return api_client

    return _client_for
