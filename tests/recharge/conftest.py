import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from accounts.models import SubscriberType, User
from payments.providers.sandbox import SandboxProvider
from payments.services.inbound import webhook_receive
from recharge.models import (
    LedgerEntry,
    Offer,
    OfferType,
    Plan,
    PlanGroup,
    Transaction,
    TxnCategory,
    TxnSource,
    TxnStatus,
    TxnType,
    Wallet,
)
from recharge.services.wallet import wallet_credit
from tests.factories import UserFactory
from tests.idempotency.keys import new_key


def assert_ledger_consistent() -> None:
    """Every wallet's balance is the sum of its entries, and nothing is below zero."""
    for wallet in Wallet.objects.all():
        total = LedgerEntry.objects.filter(wallet=wallet).aggregate(s=Sum("amount"))["s"]
        total = Decimal(total or 0).quantize(Decimal("0.01"))
        assert wallet.balance == total, (wallet.pk, wallet.balance, total)
        assert wallet.balance >= 0
        last = LedgerEntry.objects.filter(wallet=wallet).order_by("-pk").first()
        if last is not None:
            assert last.balance_after == wallet.balance
    assert not LedgerEntry.objects.filter(balance_after__lt=0).exists()


def fund(user: User, amount: str) -> Decimal:
    """Put money in a user's wallet the way a successful top-up does."""
    txn = Transaction.objects.create(
        user=user,
        category=TxnCategory.WALLET,
        txn_type=TxnType.CREDIT,
        amount=Decimal(amount),
        source=TxnSource.WALLET_TOPUP,
        status=TxnStatus.SUCCESS,
        payment_method="UPI",
    )
    return wallet_credit(user_id=user.pk, amount=Decimal(amount), txn=txn).balance_after


def balance_of(user: User) -> Decimal:
    return Wallet.objects.filter(user=user).values_list("balance", flat=True).first() or Decimal(
        "0.00"
    )


def grant(user: User, *codenames: str) -> User:
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks, SKIP LOCKED, real concurrency)")


@pytest.fixture
def subscriber() -> User:
    return UserFactory(
        username="asha", mobile="+919876543210", subscriber_type=SubscriberType.PREPAID
    )


@pytest.fixture
def other_subscriber() -> User:
    return UserFactory(
        username="ben", mobile="+919812345678", subscriber_type=SubscriberType.PREPAID
    )


@pytest.fixture
def staff() -> User:
    return UserFactory(username="ops", is_staff=True, is_superuser=True)


@pytest.fixture
def group() -> PlanGroup:
    return PlanGroup.objects.create(group_name="Data Packs")


@pytest.fixture
def plan(group) -> Plan:
    return Plan.objects.create(
        plan_name="1.5GB/day 84d", validity=84, price=Decimal("699.00"), group=group
    )


@pytest.fixture
def cheap_plan(group) -> Plan:
    return Plan.objects.create(
        plan_name="1GB 28d", validity=28, price=Decimal("100.00"), group=group
    )


@pytest.fixture
def offer_type() -> OfferType:
    return OfferType.objects.create(offer_type_name="Festive Offer")


@pytest.fixture
def make_offer(offer_type):
    def _make(**fields) -> Offer:
        eligible = fields.pop("eligible_plans", [])
        now = timezone.now()
        defaults = {
            "offer_name": "Diwali 10% OFF",
            "offer_type": offer_type,
            "offer_validity": 30,
            "discount_type": "percentage",
            "discount_value": Decimal("10.00"),
            "valid_from": now - timezone.timedelta(days=1),
            "valid_to": now + timezone.timedelta(days=29),
        }
        offer = Offer.objects.create(**{**defaults, **fields})
        offer.eligible_plans.set(eligible)
        return offer

    return _make


WEBHOOK = "/api/v1/payments/webhooks/{provider}"


def deliver_webhook(client, body: bytes, headers: dict, *, provider: str = "sandbox"):
    """POST a provider's webhook as the provider would: raw body, signature headers."""
    extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    return client.post(
        WEBHOOK.format(provider=provider),
        data=body,
        content_type="application/json",
        headers=extra,
    )


def sandbox_pay(client, reply: dict, *, succeed: bool = True, amount_minor=None):
    """Press pay (or fail) on the sandbox checkout of a purchase's reply and deliver the webhook.

    Returns the sandbox attempt (its `confirmation` is what Checkout hands a client).
    """
    attempt = SandboxProvider().pay(
        order_id=reply["payment"]["order_id"], succeed=succeed, amount_minor=amount_minor
    )
    response = deliver_webhook(client, attempt.webhook_body, attempt.webhook_headers)
    assert response.status_code == 200, response.content
    return attempt


def topup_paid(client, user: User, amount: str) -> dict:
    """A top-up through the API, paid at the sandbox: the wallet holds `amount` more."""
    client.force_authenticate(user)
    response = client.post("/api/v1/recharge/wallet/topup", {"amount": amount}, headers=new_key())
    assert response.status_code == 201, response.content
    sandbox_pay(client, response.json())
    return response.json()


def capture(txn: Transaction, *, succeed: bool = True):
    """Pay a pending purchase at the sandbox and hand its webhook to the service directly."""
    attempt = SandboxProvider().pay(order_id=txn.payment.provider_order_id, succeed=succeed)
    webhook_receive(
        provider_name="sandbox", body=attempt.webhook_body, headers=attempt.webhook_headers
    )
    return attempt


def run_together(count: int, work, *, names=None) -> list:
    """Run `work(i)` in `count` threads released at once; each closes its own connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(i,), name=names[i] if names else f"w{i}")
        for i in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results
