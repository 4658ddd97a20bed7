"""Notices from the product itself: autopay charged or failed, low balance, plan expiring,
referral reward earned.

Each notice is recorded once per (user, event, object, window) by a unique row,
so the same event is never told twice, whoever asks and however often. The
`notify_*` functions may be called inside the transaction that caused the event;
the scheduled scan (`notice_scans`) finds the events not told yet.

What the user's preferences allow:
- the in-app notification is always written: it is the user's own account history;
- SMS and e-mail go out only when the event's kind is allowed (`transactional_alerts`
  for money events, `recharge_remainders` for expiry reminders) and the channel is
  (`sms_notification`, `email_notification`), and only after the commit.
"""

from django.db import IntegrityError, transaction

from accounts.models import User, UserPreference
from accounts.phone import national_number
from config.money import money
from config.tasks import enqueue_on_commit
from recharge.models import AutopayCharge, AutopayStatus, ReferralReward, UserPlan, Wallet
from recharge.notifications.models import Notification, SystemEvent, SystemNotice

TRANSACTIONAL = "transactional_alerts"
REMINDER = "recharge_remainders"
EVENT_PREFERENCE = {
    SystemEvent.AUTOPAY_CHARGED: TRANSACTIONAL,
    SystemEvent.AUTOPAY_FAILED: TRANSACTIONAL,
    SystemEvent.LOW_BALANCE: TRANSACTIONAL,
    SystemEvent.REFERRAL_EARNED: TRANSACTIONAL,
    SystemEvent.PLAN_EXPIRING: REMINDER,
}
SUBJECTS = {
    SystemEvent.AUTOPAY_CHARGED: "Autopay recharge done",
    SystemEvent.AUTOPAY_FAILED: "Autopay recharge failed",
    SystemEvent.LOW_BALANCE: "Your wallet balance is low",
    SystemEvent.REFERRAL_EARNED: "You earned a referral reward",
    SystemEvent.PLAN_EXPIRING: "Your plan expires soon",
}


def preferences_of(user_ids) -> dict[int, UserPreference]:
    """Each user's preferences in one query; the defaults for those who never saved any."""
    ids = set(user_ids)
    stored = {pref.user_id: pref for pref in UserPreference.objects.filter(user_id__in=ids)}
    return {user_id: stored.get(user_id) or UserPreference(user_id=user_id) for user_id in ids}


def channels_for(*, user: User, event: str, preference: UserPreference) -> list[str]:
    """Where, besides the inbox, the user lets this event reach them."""
    if not getattr(preference, EVENT_PREFERENCE[event]):
        return []
    channels = []
    if preference.sms_notification and user.mobile:
        channels.append("sms")
    if preference.email_notification and user.email:
        channels.append("email")
    return channels


def system_notify(
    *,
    user: User,
    event: str,
    object_id: int,
    text: str,
    window: str = "",
    data: dict | None = None,
    preference: UserPreference | None = None,
) -> Notification | None:
    """Tell `user` about an event once: the notification, or None when it was told already."""
    if preference is None:
        preference = preferences_of([user.pk])[user.pk]
    channels = channels_for(user=user, event=event, preference=preference)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, event=event, description=text, data=data or {}
            )
            SystemNotice.objects.create(
                user=user,
                event=event,
                object_id=object_id,
                window=window,
                notification=notification,
                channels=channels,
            )
    except IntegrityError:
        return None  # told already (perhaps by a concurrent run)
    if channels:
        enqueue_on_commit(
            "recharge.notifications.tasks.notification_send", user.pk, str(event), text, channels
        )
    return notification


def _rupees(amount) -> str:
    return f"₹{money(amount)}"


def _phone(number: str) -> str:
    return national_number(number) if number else ""


def notify_autopay_charged(
    *, charge: AutopayCharge, preference: UserPreference | None = None
) -> Notification | None:
    autopay = charge.autopay
    amount = charge.transaction.amount if charge.transaction_id else autopay.plan.price
    return system_notify(
        user=autopay.user,
        event=SystemEvent.AUTOPAY_CHARGED,
        object_id=charge.pk,
        text=(
            f"Autopay recharged {_phone(autopay.phone_number)} with {autopay.plan.plan_name} "
            f"for {_rupees(amount)} from your wallet."
        ),
        data={
            "autopay_id": autopay.pk,
            "plan_id": autopay.plan_id,
            "txn_id": charge.transaction_id,
            "amount": str(money(amount)),
        },
        preference=preference,
    )


def notify_autopay_failed(
    *, charge: AutopayCharge, preference: UserPreference | None = None
) -> Notification | None:
    autopay = charge.autopay
    reason = charge.message or "the payment did not go through"
    stopped = autopay.status == AutopayStatus.DISABLED
    after = (
        "Autopay is now off; top up your wallet and turn it on again."
        if stopped
        else "It will be tried again; top up your wallet to keep it running."
    )
    return system_notify(
        user=autopay.user,
        event=SystemEvent.AUTOPAY_FAILED,
        object_id=charge.pk,
        text=(
            f"Autopay could not recharge {_phone(autopay.phone_number)} with "
            f"{autopay.plan.plan_name}: {reason}. {after}"
        ),
        data={
            "autopay_id": autopay.pk,
            "plan_id": autopay.plan_id,
            "reason": reason,
            "autopay_disabled": stopped,
        },
        preference=preference,
    )


def notify_low_balance(
    *, wallet: Wallet, entry_id: int, preference: UserPreference | None = None
) -> Notification | None:
    """`entry_id` is the ledger entry that took the balance below the threshold: one notice each."""
    return system_notify(
        user=wallet.user,
        event=SystemEvent.LOW_BALANCE,
        object_id=entry_id,
        text=(
            f"Your wallet balance is {_rupees(wallet.balance)}. Top up to keep your "
            f"recharges and autopays going."
        ),
        data={"wallet_id": wallet.pk, "balance": str(money(wallet.balance))},
        preference=preference,
    )


def notify_plan_expiring(
    *, user_plan: UserPlan, days: int, preference: UserPreference | None = None
) -> Notification | None:
    when = "tomorrow" if days == 1 else f"in {days} days"
    return system_notify(
        user=user_plan.user,
        event=SystemEvent.PLAN_EXPIRING,
        object_id=user_plan.pk,
        window=f"{days}d",
        text=(
            f"Your plan {user_plan.plan.plan_name} on {_phone(user_plan.phone_number)} "
            f"expires {when} ({user_plan.valid_to:%d %b %Y %H:%M} UTC). Recharge to stay connected."
        ),
        data={
            "user_plan_id": user_plan.pk,
            "plan_id": user_plan.plan_id,
            "valid_to": user_plan.valid_to.isoformat(),
        },
        preference=preference,
    )


def notify_referral_earned(
    *, reward: ReferralReward, preference: UserPreference | None = None
) -> Notification | None:
    return system_notify(
        user=reward.referrer,
        event=SystemEvent.REFERRAL_EARNED,
        object_id=reward.pk,
        text=(
            f"You earned {_rupees(reward.reward_amount)}: someone you referred made their "
            f"first recharge. It is in your wallet."
        ),
        data={"reward_id": reward.pk, "amount": str(money(reward.reward_amount))},
        preference=preference,
    )
