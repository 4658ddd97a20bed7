"""The wallet service and its ledger: the rules money never breaks."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from audit.models import AuditEvent
from config.exceptions import Conflict
from recharge.errors import InsufficientBalance
from recharge.models import (
    Autopay,
    LedgerEntry,
    Transaction,
    TxnStatus,
    UserPlan,
    UserPlanStatus,
    Wallet,
)
from recharge.services.autopay_run import autopay_process_due
from recharge.services.wallet import ledger_entry_reverse, wallet_debit
from tests.factories import UserFactory
from tests.idempotency.keys import new_key
from tests.recharge.conftest import assert_ledger_consistent, balance_of, fund

pytestmark = pytest.mark.django_db


def _txn(user, amount="10.00"):
    return Transaction.objects.create(
        user=user,
        category="service",
        txn_type="debit",
        amount=Decimal(amount),
        source="recharge",
        status="success",
    )


def test_credit_creates_the_wallet_and_debits_are_exact(subscriber):
    assert fund(subscriber, "0.30") == Decimal("0.30")
    fund(subscriber, "0.10")
    wallet_debit(user_id=subscriber.pk, amount=Decimal("0.20"), txn=_txn(subscriber))
    wallet_debit(user_id=subscriber.pk, amount=Decimal("0.20"), txn=_txn(subscriber))
    assert balance_of(subscriber) == Decimal("0.00")
    with pytest.raises(InsufficientBalance):
        wallet_debit(user_id=subscriber.pk, amount=Decimal("0.01"), txn=_txn(subscriber))
    assert list(LedgerEntry.objects.values_list("balance_after", flat=True)) == [
        Decimal("0.30"),
        Decimal("0.40"),
        Decimal("0.20"),
        Decimal("0.00"),
    ]
    assert AuditEvent.objects.filter(action="recharge.wallet_debited").count() == 2
    assert_ledger_consistent()


def test_the_database_refuses_a_negative_balance(subscriber):
    fund(subscriber, "5.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Wallet.objects.filter(user=subscriber).update(balance=Decimal("-0.01"))
    assert balance_of(subscriber) == Decimal("5.00")


def test_ledger_entries_are_immutable(subscriber):
    fund(subscriber, "5.00")
    entry = LedgerEntry.objects.get()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LedgerEntry.objects.update(amount=1)
    with pytest.raises(TypeError):
        LedgerEntry.objects.all().delete()


def test_postgres_itself_refuses_to_change_the_ledger(subscriber, on_postgres):
    fund(subscriber, "5.00")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE recharge_ledgerentry SET amount = 500")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM recharge_ledgerentry")
    assert LedgerEntry.objects.get().amount == Decimal("5.00")


def test_reversal_writes_the_opposite_entry_and_cancels_the_plan(api_client, subscriber, plan):
    fund(subscriber, "1000.00")
    api_client.force_authenticate(subscriber)
    txn_id = api_client.post(
        "/api/v1/recharge/subscribe", {"plan_id": plan.pk}, headers=new_key()
    ).json()["txn_id"]
    debit = LedgerEntry.objects.get(transaction_id=txn_id)
    movement = ledger_entry_reverse(entry_id=debit.pk, actor=None, reason="duplicate")
    assert movement.entry.amount == Decimal("699.00")
    assert movement.entry.reverses_id == debit.pk
    assert balance_of(subscriber) == Decimal("1000.00")
    assert Transaction.objects.get(pk=txn_id).status == TxnStatus.REVERSED
    assert UserPlan.objects.get().status == UserPlanStatus.CANCELLED
    debit.refresh_from_db()
    assert debit.amount == Decimal("-699.00")  # the original stays as written
    with pytest.raises(Conflict):
        ledger_entry_reverse(entry_id=debit.pk, actor=None, reason="again")
    with pytest.raises(Conflict):
        ledger_entry_reverse(entry_id=movement.entry.pk, actor=None, reason="undo the undo")
    assert AuditEvent.objects.filter(action="recharge.ledger_entry_reversed").count() == 1
    assert_ledger_consistent()


def test_reversing_a_spent_credit_is_refused(subscriber, cheap_plan):
    fund(subscriber, "100.00")
    credit = LedgerEntry.objects.get()
    wallet_debit(user_id=subscriber.pk, amount=Decimal("60.00"), txn=_txn(subscriber))
    with pytest.raises(InsufficientBalance):
        ledger_entry_reverse(entry_id=credit.pk, actor=None, reason="chargeback")
    assert balance_of(subscriber) == Decimal("40.00")
    assert_ledger_consistent()


def test_admin_shows_wallets_read_only_and_reverses_entries(client, staff, subscriber):
    fund(subscriber, "25.00")
    client.force_login(staff)
    wallet = Wallet.objects.get()
    page = client.get(reverse("admin:recharge_wallet_change", args=[wallet.pk]))
    assert page.status_code == 200
    assert b'name="balance"' not in page.content  # no form field for the balance
    assert not admin.site._registry[Wallet].has_change_permission(None)
    entry = LedgerEntry.objects.get()
    response = client.post(
        reverse("admin:recharge_ledgerentry_changelist"),
        {"action": "reverse_entries", "_selected_action": [entry.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert balance_of(subscriber) == 0
    assert LedgerEntry.objects.filter(reverses=entry).exists()


def test_every_recharge_admin_page_loads_with_data(
    api_client, client, staff, subscriber, plan, make_offer
):
    subscriber.referred_by = UserFactory()
    subscriber.save(update_fields=["referred_by"])
    fund(subscriber, "2000.00")
    offer = make_offer()
    api_client.force_authenticate(subscriber)
    api_client.post(
        "/api/v1/recharge/subscribe",
        {"plan_id": plan.pk, "offer_id": offer.pk},
        HTTP_IDEMPOTENCY_KEY="admin-page",
    )
    Autopay.objects.create(
        user=subscriber,
        plan=plan,
        phone_number=subscriber.mobile,
        next_due_date="2020-01-01T00:00Z",
    )
    autopay_process_due()
    client.force_login(staff)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "recharge" or model.__module__.startswith(
            "recharge.notifications"
        ):
            continue  # their admin pages are covered, with data, by the notification tests
        name = model._meta.model_name
        assert (
            client.get(reverse(f"admin:recharge_{name}_changelist"), {"q": "a"}).status_code == 200
        )
        first = model._default_manager.first()
        assert first is not None, name
        assert (
            client.get(reverse(f"admin:recharge_{name}_change", args=[first.pk])).status_code == 200
        )
        assert not model_admin.has_add_permission(None)
