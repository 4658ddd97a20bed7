import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import StaffType, User
from lending.models import Customer, Loan
from lending.services.customers import customer_create
from lending.services.loans import loan_create
from tests.factories import UserFactory

_counter = iter(range(10_000, 99_999))


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def manager() -> User:
    return UserFactory(username="manager1", user_type=StaffType.MANAGER)


@pytest.fixture
def officer(manager) -> User:
    return UserFactory(username="officer1", user_type=StaffType.COLLECTION_OFFICER, manager=manager)


@pytest.fixture
def other_manager() -> User:
    return UserFactory(username="manager2", user_type=StaffType.MANAGER)


@pytest.fixture
def other_officer(other_manager) -> User:
    return UserFactory(
        username="officer2", user_type=StaffType.COLLECTION_OFFICER, manager=other_manager
    )


@pytest.fixture
def agent(manager) -> User:
    return UserFactory(username="agent1", user_type=StaffType.CALLING_AGENT, manager=manager)


@pytest.fixture
def other_agent() -> User:
    return UserFactory(username="agent2", user_type=StaffType.CALLING_AGENT)


@pytest.fixture
def admin_user() -> User:
    return UserFactory(username="admin1", user_type=StaffType.ADMIN)


@pytest.fixture
def outsider() -> User:
    """Signed in, but no collections role (a recharge subscriber, say)."""
    return UserFactory(username="subscriber1")


@pytest.fixture
def as_user(api_client):
    """The API client, signed in as `user` (switch freely within a test)."""

    def _as(user: User):
        api_client.force_authenticate(user)
        return api_client

    return _as


def _phone() -> str:
    return f"+9198{next(_counter):05d}321"[:13]


@pytest.fixture
def make_customer():
    def _make(officer: User | None, actor: User | None = None, **fields) -> Customer:
        data = {"name": "Asha Rao", "phone": _phone(), "assigned_collection_officer": officer}
        data.update(fields)
        return customer_create(actor=actor or officer or UserFactory(), data=data)

    return _make


@pytest.fixture
def make_loan():
    def _make(
        customer: Customer,
        *,
        actor: User | None = None,
        principal: str = "100000.00",
        rate: str = "12.00",
        months: int = 12,
        loan_date: date | None = None,
        **fields,
    ) -> Loan:
        data = {
            "loan_account_number": f"LN{next(_counter)}",
            "customer": customer,
            "principal_amount": Decimal(principal),
            "interest_rate": Decimal(rate),
            "loan_type": "personal",
            "tenure_months": months,
            "loan_date": loan_date or timezone.localdate(),
        }
        data.update(fields)
        return loan_create(
            actor=actor or customer.assigned_collection_officer or UserFactory(), data=data
        )

    return _make


def months_ago(today: date, months: int, extra_days: int = 0) -> date:
    """A loan date whose `months`-th instalment fell due `extra_days` days before today."""
    from lending.services.schedule import add_months

    return add_months(today, -months) - timedelta(days=extra_days)


def csv_file(text: str, name: str = "upload.csv") -> io.BytesIO:
    handle = io.BytesIO(text.encode())
    handle.name = name
    return handle
