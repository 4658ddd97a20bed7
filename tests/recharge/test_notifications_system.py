"""Notices from the product: told once, in the inbox, and by SMS/e-mail only where allowed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import UserPreference
from recharge.models import (
    Autopay,
    AutopayCharge,
    ReferralReward,
    ReferralStatus,
    Transaction,
    TxnCategory,
    TxnSource,
    TxnStatus,
    TxnType,
    UserPlan,
    UserPlanStatus,
)
from recharge.notifications.models import Notification, SystemEvent, SystemNotice
from recharge.notifications.services.notice_scans import system_notices_scan
from recharge.notifications.services.notices import notify_autopay_charged
from recharge.notifications.tasks import system_notices_scan_task
from recharge.services.autopay_run import autopay_process_due
from recharge.services.wallet import wallet_debit
from tests.factories import UserFactory
from tests.recharge.conftest import fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """Run the scan and what it sends after commit; returns what it told."""

    def _scan(**kwargs) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return system_notices_scan(**kwargs)

    return _scan


def notices(user, event) -> list[Notification]:
    return list(Notification.objects.filter(user=user, event=event).order_by("pk"))


def sms_to(inbox, user) -> list[str]:
    return [message.body for message in inbox.sms if message.to == user.mobile]


def mail_to(inbox, user) -> list[str]:
    return [message.body for message in inbox.mail if user.email in message.to]


def make_autopay(user, plan) -> Autopay:
    return Autopay.objects.create(
        user=user,
        plan=plan,
        phone_number=user.mobile,
        next_due_date=timezone.now() - timedelta(minutes=1),
    )


def payment(user, amount="10.00", **fields) -> Transaction:
    return Transaction.objects.create(
        user=user,
        category=fields.pop("category", TxnCategory.SERVICE),
        txn_type=fields.pop("txn_type", TxnType.DEBIT),
        amount=Decimal(amount),
        source=fields.pop("source", TxnSource.RECHARGE),
        status=TxnStatus.SUCCESS,
        **fields,
    )


def user_plan(user, plan, *, starts, ends, **fields) -> UserPlan:
    return UserPlan.objects.create(
        user=user,
        plan=plan,
        transaction=payment(user),
        phone_number=fields.pop("phone_number", user.mobile),
        valid_from=starts,
        valid_to=ends,
        status=fields.pop("status", UserPlanStatus.ACTIVE),
    )


def test_autopay_charged_is_told_once_in_app_by_sms_and_email(scan, inbox, subscriber, plan):
    fund(subscriber, "1000.00")
    make_autopay(subscriber, plan)
    autopay_process_due()
    assert scan()["autopay"] == 1
    [notification] = notices(subscriber, SystemEvent.AUTOPAY_CHARGED)
    assert "699.00" in notification.description
    assert notification.data["amount"] == "699.00"
    assert sms_to(inbox, subscriber) == [notification.description]
    assert mail_to(inbox, subscriber) == [notification.description]
    # Never twice: not by the scan, the task, the command, nor a direct call.
    assert scan()["autopay"] == 0
    system_notices_scan_task()
    call_command("notifications_scan")
    assert notify_autopay_charged(charge=AutopayCharge.objects.get()) is None
    assert len(notices(subscriber, SystemEvent.AUTOPAY_CHARGED)) == 1
    assert len(sms_to(inbox, subscriber)) == 1


def test_autopay_failure_is_told(scan, inbox, subscriber, plan):
    make_autopay(subscriber, plan)
    autopay_process_due()
    scan()
    [notification] = notices(subscriber, SystemEvent.AUTOPAY_FAILED)
    assert "insufficient wallet balance" in notification.description
    assert sms_to(inbox, subscriber) == [notification.description]


def test_no_sms_for_those_who_turned_sms_off(scan, inbox, subscriber, plan):
    UserPreference.objects.create(user=subscriber, sms_notification=False)
    make_autopay(subscriber, plan)
    autopay_process_due()
    scan()
    assert len(notices(subscriber, SystemEvent.AUTOPAY_FAILED)) == 1
    assert sms_to(inbox, subscriber) == []
    assert len(mail_to(inbox, subscriber)) == 1
    assert SystemNotice.objects.get(user=subscriber).channels == ["email"]


def test_no_alerts_outside_the_inbox_without_transactional_alerts(scan, inbox, subscriber, plan):
    UserPreference.objects.create(user=subscriber, transactional_alerts=False)
    make_autopay(subscriber, plan)
    autopay_process_due()
    scan()
    assert len(notices(subscriber, SystemEvent.AUTOPAY_FAILED)) == 1
    assert sms_to(inbox, subscriber) == []
    assert mail_to(inbox, subscriber) == []


def test_sms_and_email_leave_only_after_the_commit(
    django_capture_on_commit_callbacks, inbox, subscriber, plan
):
    make_autopay(subscriber, plan)
    autopay_process_due()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        system_notices_scan()
    assert notices(subscriber, SystemEvent.AUTOPAY_FAILED)
    assert inbox.sms == [] and inbox.mail == []
    for callback in callbacks:
        callback()
    assert len(sms_to(inbox, subscriber)) == 1


def test_plan_expiry_is_told_3_days_and_1_day_before(scan, inbox, subscriber, plan):
    now = timezone.now()
    mine = user_plan(
        subscriber, plan, starts=now - timedelta(days=80), ends=now + timedelta(hours=60)
    )
    assert scan(now=now)["plan_expiring"] == 1
    [three_days] = notices(subscriber, SystemEvent.PLAN_EXPIRING)
    assert "in 3 days" in three_days.description
    assert scan(now=now + timedelta(hours=1))["plan_expiring"] == 0
    # Within the last day: the second reminder, once.
    later = now + timedelta(hours=40)
    assert scan(now=later)["plan_expiring"] == 1
    assert scan(now=later + timedelta(hours=1))["plan_expiring"] == 0
    reminders = notices(subscriber, SystemEvent.PLAN_EXPIRING)
    assert [n.data["user_plan_id"] for n in reminders] == [mine.pk, mine.pk]
    assert "tomorrow" in reminders[1].description
    assert len(sms_to(inbox, subscriber)) == 2


def test_no_reminder_for_a_plan_followed_by_another_or_too_short(scan, subscriber, plan):
    now = timezone.now()
    ends = now + timedelta(days=2)
    user_plan(subscriber, plan, starts=now - timedelta(days=80), ends=ends)
    user_plan(
        subscriber,
        plan,
        starts=ends,
        ends=ends + timedelta(days=84),
        status=UserPlanStatus.QUEUED,
    )
    # A two-day plan bought an hour ago for another number is not "expiring in 3 days".
    user_plan(
        subscriber,
        plan,
        starts=now - timedelta(hours=1),
        ends=now + timedelta(hours=47),
        phone_number="+919800000001",
    )
    assert scan(now=now)["plan_expiring"] == 0


def test_reminders_respect_recharge_remainders(scan, inbox, subscriber, plan):
    UserPreference.objects.create(user=subscriber, recharge_remainders=False)
    now = timezone.now()
    user_plan(subscriber, plan, starts=now - timedelta(days=80), ends=now + timedelta(hours=12))
    scan(now=now)
    assert len(notices(subscriber, SystemEvent.PLAN_EXPIRING)) == 1
    assert sms_to(inbox, subscriber) == [] and mail_to(inbox, subscriber) == []


def test_low_balance_is_told_once_each_time_it_falls_below(scan, subscriber, settings):
    settings.RECHARGE_LOW_BALANCE_THRESHOLD = "50.00"
    fund(subscriber, "100.00")
    assert scan()["low_balance"] == 0
    wallet_debit(user_id=subscriber.pk, amount=Decimal("80.00"), txn=payment(subscriber, "80.00"))
    assert scan()["low_balance"] == 1
    wallet_debit(user_id=subscriber.pk, amount=Decimal("5.00"), txn=payment(subscriber, "5.00"))
    assert scan()["low_balance"] == 0  # still the same fall
    fund(subscriber, "100.00")
    wallet_debit(user_id=subscriber.pk, amount=Decimal("100.00"), txn=payment(subscriber, "100.00"))
    assert scan()["low_balance"] == 1
    told = notices(subscriber, SystemEvent.LOW_BALANCE)
    assert [n.data["balance"] for n in told] == ["20.00", "15.00"]


def test_referral_reward_earned_is_told_to_the_referrer(scan, inbox, subscriber):
    referee = UserFactory(referred_by=subscriber)
    reward = ReferralReward.objects.create(
        referrer=subscriber,
        referred=referee,
        reward_amount=Decimal("50.00"),
        status=ReferralStatus.EARNED,
        transaction=payment(
            subscriber,
            "50.00",
            category=TxnCategory.REFERRAL,
            txn_type=TxnType.CREDIT,
            source=TxnSource.REFERRAL_REWARD,
        ),
        claimed_at=timezone.now(),
    )
    assert scan()["referral"] == 1
    [notification] = notices(subscriber, SystemEvent.REFERRAL_EARNED)
    assert notification.data == {"reward_id": reward.pk, "amount": "50.00"}
    assert scan()["referral"] == 0
    assert not Notification.objects.filter(user=referee).exists()


def test_deleting_a_notice_does_not_bring_it_back(api_client, scan, subscriber, plan):
    make_autopay(subscriber, plan)
    autopay_process_due()
    scan()
    [notification] = notices(subscriber, SystemEvent.AUTOPAY_FAILED)
    api_client.force_authenticate(subscriber)
    deleted = api_client.delete(
        "/api/v1/notification/delete", {"id": notification.pk}, format="json"
    )
    assert deleted.status_code == 200
    assert scan()["autopay"] == 0
    assert notices(subscriber, SystemEvent.AUTOPAY_FAILED) == []
