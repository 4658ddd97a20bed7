from collections.abc import Callable
from dataclasses import dataclass

import pytest

from accounts.models import StaffType, User
from lending.models import Repayment
from payments.models import Payment, Refund
from recharge.models import Transaction, TxnSource, UserPlan
from tests.factories import UserFactory
from tests.lending.conftest import make_customer, make_loan  # noqa: F401  (shared fixtures)
from tests.recharge.conftest import (  # noqa: F401  (shared fixtures)
    fund,
    grant,
    group,
    on_postgres,
    other_subscriber,
    plan,
    subscriber,
    topup_paid,
)


@dataclass
class MoneyCall:
    """One money-moving POST: who sends it, where, with what, and how much money it moved."""

    user: User
    url: str
    body: dict
    moved: Callable[[], int]  # rows of money this endpoint has written so far


MONEY_ENDPOINTS = [
    "wallet-topup",
    "subscribe-wallet",
    "subscribe-upi",
    "staff-wallet-credit",
    "loan-repayment",
    "payment-refund",
]


def _money_call(name: str, request, api_client) -> MoneyCall:
    buyer = request.getfixturevalue("subscriber")
    if name == "wallet-topup":
        return MoneyCall(
            buyer,
            "/api/v1/recharge/wallet/topup",
            {"amount": "100.00"},
            lambda: Payment.objects.count(),
        )
    if name == "subscribe-wallet":
        fund(buyer, "2000.00")
        return MoneyCall(
            buyer,
            "/api/v1/recharge/subscribe",
            {"plan_id": request.getfixturevalue("plan").pk},
            lambda: UserPlan.objects.count(),
        )
    if name == "subscribe-upi":
        return MoneyCall(
            buyer,
            "/api/v1/recharge/subscribe",
            {"plan_id": request.getfixturevalue("plan").pk, "payment_method": "UPI"},
            lambda: Payment.objects.count(),
        )
    if name == "staff-wallet-credit":
        clerk = grant(UserFactory(username="clerk", is_staff=True), "credit_wallet")
        return MoneyCall(
            clerk,
            "/api/v1/recharge/admin/wallet/credit",
            {"user_id": buyer.pk, "amount": "50.00", "reason": "Outage goodwill"},
            lambda: Transaction.objects.filter(source=TxnSource.ADJUSTMENT).count(),
        )
    if name == "loan-repayment":
        officer = UserFactory(username="officer1", user_type=StaffType.COLLECTION_OFFICER)
        customer = request.getfixturevalue("make_customer")(officer)
        loan = request.getfixturevalue("make_loan")(customer)
        return MoneyCall(
            officer,
            f"/api/v1/loans/{loan.pk}/repayments/",
            {"amount": "250.00"},
            lambda: Repayment.objects.count(),
        )
    if name == "payment-refund":
        reply = topup_paid(api_client, buyer, "100.00")
        clerk = grant(
            UserFactory(username="refunds", is_staff=True), "refund_payment", "view_payment"
        )
        return MoneyCall(
            clerk,
            f"/api/v1/payments/{reply['payment']['payment_id']}/refund",
            {"amount": "10.00", "reason": "Goodwill"},
            lambda: Refund.objects.count(),
        )
    raise AssertionError(name)


@pytest.fixture(params=MONEY_ENDPOINTS)
def money_call(request, api_client) -> MoneyCall:
    """Each money-moving POST in turn, ready to send by its user, having moved nothing yet."""
    call = _money_call(request.param, request, api_client)
    assert call.moved() == 0
    return call
