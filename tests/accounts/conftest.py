import pytest

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory


@pytest.fixture
def member() -> User:
    return UserFactory(username="member01", email="member@example.com", mobile="+919876543210")


@pytest.fixture
def two_factor_member() -> User:
    return UserFactory(
        username="secure01",
        email="secure@example.com",
        mobile="+919812345678",
        two_factor_enabled=True,
    )


@pytest.fixture
def sign_in(api_client):
    """Sign in with a password; returns the token reply."""

    def _sign_in(
        identifier: str, password: str = DEFAULT_PASSWORD, field: str = "username", **extra
    ):
        response = api_client.post(
            "/api/v1/auth/login", {field: identifier, "password": password, **extra}
        )
        assert response.status_code == 200, response.content
        return response.json()

    return _sign_in


@pytest.fixture
def bearer():
    def _bearer(client, access: str):
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
        return client

    return _bearer
