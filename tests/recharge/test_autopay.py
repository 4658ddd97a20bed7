"""Autopay: owners' CRUD, and due dates charged at most once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from recharge.models import (
    Autopay,
    AutopayCharge,
    AutopayChargeStatus,
    AutopayStatus,
    CatalogStatus,
    LedgerEntry,
    ReferralReward,
    Transaction,
    UserPlan,
)
from recharge.services import autopay_run as autopay_services
from recharge.services.autopay_run import autopay_process_due
from recharge.tasks import autopay_process_due_task
from tests.factories import UserFactory
from tests.recharge.conftest import assert_ledger_consistent, balance_of, fund

pytestmark = pytest.mark.django_db


def make_autopay(user, plan, *, due=None, **fields) -> Autopay:
    return Autopay.objects.create(
        user=user,
        plan=plan,
        phone_number=user.mobile,
        next_due_date=due or timezone.now() - timedelta(minutes=1),
        **fields,
    )


def test_create_get_edit_remove_as_seed_004(api_client, subscriber, plan, cheap_plan):
    api_client.force_authenticate(subscriber)
    created = api_client.post(
        "/api/v1/autopay/create_autopay",
        {
            "plan_id": plan.pk,
            "phone_number": "9876543210",
            "tag": "regular",
            "next_due_date": "2030-12-01T09:00:00Z",
            "status": "enabled",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body == {
        **body,
        "user_id": subscriber.pk,
        "plan_id": plan.pk,
        "status": "enabled",
        "phone_number": "9876543210",
        "tag": "regular",
        "next_due_date": "2030-12-01T09:00:00Z",
    }
    autopay_id = body["autopay_id"]
    got = api_client.get(f"/api/v1/autopay/get_autopay/{autopay_id}")
    assert got.status_code == 200 and got.json()["autopay_id"] == autopay_id

    edited = api_client.patch(
        f"/api/v1/autopay/{autopay_id}", {"status": "disabled", "plan_id": cheap_plan.pk}
    )
    assert edited.status_code == 200
    assert edited.json()["status"] == "disabled" and edited.json()["plan_id"] == cheap_plan.pk
    assert edited.json()["next_due_date"] == "2030-12-01T09:00:00Z"

    listed = api_client.get("/api/v1/autopay/get_all_autopay").json()
    assert (listed["total"], listed["page"], listed["size"], listed["pages"]) == (1, 1, 20, 1)

    assert api_client.delete(f"/api/v1/autopay/{autopay_id}").status_code == 200
    assert api_client.get(f"/api/v1/autopay/get_autopay/{autopay_id}").status_code == 404
    assert api_client.get("/api/v1/autopay/get_all_autopay").json()["total"] == 0
    assert Autopay.objects.get().removed_at is not None  # its history is kept
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"recharge.autopay_created", "recharge.autopay_updated", "recharge.autopay_removed"} <= (
        actions
    )


def test_another_users_autopay_is_not_found(api_client, subscriber, other_subscriber, plan):
    theirs = make_autopay(other_subscriber, plan)
    api_client.force_authenticate(subscriber)
    assert api_client.get(f"/api/v1/autopay/get_autopay/{theirs.pk}").status_code == 404
    assert api_client.patch(f"/api/v1/autopay/{theirs.pk}", {"tag": "x"}).status_code == 404
    assert api_client.delete(f"/api/v1/autopay/{theirs.pk}").status_code == 404
    assert api_client.get("/api/v1/autopay/get_all_autopay").json()["total"] == 0
    theirs.refresh_from_db()
    assert theirs.tag == "" and theirs.removed_at is None


def test_autopay_needs_an_active_plan(api_client, subscriber, plan):
    plan.status = CatalogStatus.INACTIVE
    plan.save()
    api_client.force_authenticate(subscriber)
    response = api_client.post("/api/v1/autopay/create_autopay", {"plan_id": plan.pk})
    assert response.status_code == 400 and "plan_id" in response.json()["errors"]


def test_admin_lists_every_autopay(api_client, staff, subscriber, other_subscriber, plan):
    make_autopay(subscriber, plan)
    make_autopay(other_subscriber, plan, status=AutopayStatus.DISABLED)
    api_client.force_authenticate(staff)
    body = api_client.get("/api/v1/autopay/admin/all").json()
    assert body["total"] == 2 and len(body["items"]) == 2
    assert api_client.get("/api/v1/autopay/admin/all", {"status": "disabled"}).json()["total"] == 1


def test_process_due_charges_and_advances_by_the_plan_validity(
    api_client, staff, subscriber, plan, other_subscriber
):
    fund(subscriber, "1000.00")
    due = timezone.now() - timedelta(hours=1)
    autopay = make_autopay(subscriber, plan, due=due)
    make_autopay(other_subscriber, plan, due=timezone.now() + timedelta(days=3))  # not due yet
    api_client.force_authenticate(staff)
    response = api_client.post("/api/v1/autopay/admin/process-due", {})
    assert response.status_code == 200
    assert response.json() == [
        {"autopay_id": autopay.pk, "status": "processed", "message": "success"}
    ]
    autopay.refresh_from_db()
    assert autopay.next_due_date == due + timedelta(days=84)
    assert balance_of(subscriber) == Decimal("301.00")
    charge = AutopayCharge.objects.get()
    assert charge.status == AutopayChargeStatus.SUCCEEDED and charge.due_date == due
    assert UserPlan.objects.get().transaction_id == charge.transaction_id
    assert Transaction.objects.get(pk=charge.transaction_id).source == "autopay"
    # Nothing is due any more: a second run charges nothing.
    assert api_client.post("/api/v1/autopay/admin/process-due", {}).json() == []
    assert balance_of(subscriber) == Decimal("301.00")
    event = AuditEvent.objects.get(action="recharge.autopay_charged")
    [item] = event.after["charges"]  # the batch's event itemises each charge
    assert item["autopay_id"] == autopay.pk and item["amount"] == "699.00"
    assert item["ledger_entry_id"] == LedgerEntry.objects.get(amount__lt=0).pk
    assert (item["balance_before"], item["balance_after"]) == ("1000.00", "301.00")
    assert AuditEvent.objects.filter(action="recharge.autopay_run").count() == 2
    assert_ledger_consistent()


def test_failures_are_retried_a_bounded_number_of_times_then_disable(subscriber, plan, settings):
    settings.RECHARGE_AUTOPAY_MAX_ATTEMPTS = 3
    settings.RECHARGE_AUTOPAY_RETRY_MINUTES = 60
    fund(subscriber, "10.00")
    autopay = make_autopay(subscriber, plan)
    now = timezone.now()
    first = autopay_process_due(now=now)
    assert [(o.status, o.message) for o in first] == [("failed", "insufficient wallet balance")]
    assert autopay_process_due(now=now + timedelta(minutes=30)) == []  # waits for its retry
    assert autopay_process_due(now=now + timedelta(minutes=61))[0].status == "failed"
    last = autopay_process_due(now=now + timedelta(minutes=122))
    assert last[0].status == "disabled"
    autopay.refresh_from_db()
    assert autopay.status == AutopayStatus.DISABLED
    assert autopay.failure_count == 3
    assert autopay.last_failure_reason == "insufficient wallet balance"
    charge = AutopayCharge.objects.get()
    assert (charge.status, charge.attempts) == (AutopayChargeStatus.FAILED, 3)
    assert balance_of(subscriber) == Decimal("10.00")
    assert autopay_process_due(now=now + timedelta(days=1)) == []
    assert AuditEvent.objects.filter(action="recharge.autopay_disabled").count() == 1


def test_a_retry_that_succeeds_charges_the_same_due_date_once(subscriber, plan):
    fund(subscriber, "10.00")
    autopay = make_autopay(subscriber, plan)
    due = autopay.next_due_date
    now = timezone.now()
    autopay_process_due(now=now)
    fund(subscriber, "700.00")
    outcome = autopay_process_due(now=now + timedelta(hours=2))
    assert outcome[0].status == "processed"
    charge = AutopayCharge.objects.get()
    assert (charge.status, charge.attempts, charge.due_date) == ("succeeded", 2, due)
    autopay.refresh_from_db()
    assert autopay.failure_count == 0 and autopay.retry_at is None
    assert balance_of(subscriber) == Decimal("11.00")


def test_enabling_again_starts_the_failure_count_afresh(api_client, subscriber, plan):
    autopay = make_autopay(
        subscriber, plan, status=AutopayStatus.DISABLED, failure_count=3, last_failure_reason="x"
    )
    api_client.force_authenticate(subscriber)
    api_client.patch(f"/api/v1/autopay/{autopay.pk}", {"status": "enabled"})
    autopay.refresh_from_db()
    assert (autopay.status, autopay.failure_count, autopay.last_failure_reason) == (
        "enabled",
        0,
        "",
    )


def test_a_retired_plan_fails_the_charge(subscriber, plan):
    fund(subscriber, "1000.00")
    make_autopay(subscriber, plan)
    plan.status = CatalogStatus.RETIRED
    plan.save()
    outcome = autopay_process_due()
    assert outcome[0].status == "failed" and "no longer available" in outcome[0].message
    assert balance_of(subscriber) == Decimal("1000.00")


def test_a_free_plan_for_a_subscriber_without_a_wallet_fails_instead_of_crashing(subscriber, plan):
    plan.price = Decimal("0.00")
    plan.save()
    make_autopay(subscriber, plan)  # the subscriber never had a wallet
    outcome = autopay_process_due()
    assert outcome[0].status == "failed" and "insufficient" in outcome[0].message
    assert not Transaction.objects.filter(user=subscriber).exists()


def test_a_due_date_already_charged_is_never_charged_again(subscriber, plan):
    fund(subscriber, "1000.00")
    autopay = make_autopay(subscriber, plan)
    due = autopay.next_due_date
    paid = Transaction.objects.create(
        user=subscriber,
        category="service",
        txn_type="debit",
        amount=Decimal("699.00"),
        source="autopay",
        status="success",
    )
    AutopayCharge.objects.create(
        autopay=autopay, due_date=due, status=AutopayChargeStatus.SUCCEEDED, transaction=paid
    )
    outcome = autopay_process_due()
    assert [o.status for o in outcome] == ["skipped"]
    assert balance_of(subscriber) == Decimal("1000.00")
    autopay.refresh_from_db()
    assert autopay.next_due_date == due + timedelta(days=84)
    with pytest.raises(IntegrityError), transaction.atomic():
        AutopayCharge.objects.create(autopay=autopay, due_date=due, status="failed")


def test_a_crash_between_claiming_and_committing_leaves_no_charge(subscriber, plan, monkeypatch):
    fund(subscriber, "1000.00")
    autopay = make_autopay(subscriber, plan)
    due = autopay.next_due_date

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(autopay_services, "_advance", crash)
    with pytest.raises(RuntimeError):
        autopay_process_due()
    autopay.refresh_from_db()
    assert autopay.next_due_date == due and autopay.status == AutopayStatus.ENABLED
    assert not AutopayCharge.objects.exists()
    assert balance_of(subscriber) == Decimal("1000.00")
    assert LedgerEntry.objects.count() == 1
    monkeypatch.undo()
    assert autopay_process_due()[0].status == "processed"
    assert balance_of(subscriber) == Decimal("301.00")


def test_command_and_task_do_the_same_work(subscriber, other_subscriber, cheap_plan, capsys):
    fund(subscriber, "500.00")
    make_autopay(subscriber, cheap_plan)
    call_command("autopay_process_due", "--progress")
    captured = capsys.readouterr()
    assert "processed 1" in captured.out
    assert "1/1" in captured.err  # the progress bar goes to standard error
    fund(other_subscriber, "500.00")
    make_autopay(other_subscriber, cheap_plan)
    assert autopay_process_due_task.delay().get() == {"processed": 1}
    assert balance_of(subscriber) == balance_of(other_subscriber) == Decimal("400.00")


def test_the_admin_run_is_bounded_by_its_limit(api_client, staff, subscriber, cheap_plan):
    fund(subscriber, "1000.00")
    for _ in range(3):
        make_autopay(subscriber, cheap_plan)
    api_client.force_authenticate(staff)
    assert len(api_client.post("/api/v1/autopay/admin/process-due", {"limit": 2}).json()) == 2
    assert len(api_client.post("/api/v1/autopay/admin/process-due", {"limit": 2}).json()) == 1
    assert api_client.post("/api/v1/autopay/admin/process-due", {"limit": 0}).status_code == 400


def test_autopay_and_referral_lists_use_a_fixed_number_of_queries(
    api_client, staff, subscriber, plan, django_assert_max_num_queries
):
    for i in range(15):
        make_autopay(subscriber, plan, tag=f"t{i}")
        ReferralReward.objects.create(
            referrer=subscriber, referred=UserFactory(), reward_amount=Decimal("50.00")
        )
    for user, paths in (
        (subscriber, ["/api/v1/autopay/get_all_autopay", "/api/v1/referrals/me"]),
        (staff, ["/api/v1/autopay/admin/all", "/api/v1/referrals/admin/all"]),
    ):
        api_client.force_authenticate(user)
        for path in paths:
            with django_assert_max_num_queries(4):
                body = api_client.get(path, {"size": 100}).json()
            assert body["total"] == 15
