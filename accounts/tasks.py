"""Background jobs of the accounts app: delivering codes and notices."""

import logging

from celery import shared_task
from cryptography.fernet import InvalidToken
from django.core.mail import send_mail

from accounts.models import OtpChallenge, User
from accounts.sealing import unseal
from accounts.sms import send_sms

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def deliver_otp(challenge_id: str, sealed_code: str) -> None:
    """Send a challenge's code by SMS and/or e-mail, unless it is already used."""
    challenge = OtpChallenge.objects.filter(
        pk=challenge_id, deliver=True, verified_at__isnull=True
    ).first()
    if challenge is None:
        return
    try:
        code = unseal(sealed_code)
    except InvalidToken:
        logger.warning("Dropped a stale or damaged code for challenge %s", challenge_id)
        return
    label = challenge.get_purpose_display().lower()
    text = f"{code} is your {label} code. It expires in 5 minutes. Never share it."
    if challenge.mobile:
        send_sms(challenge.mobile, text)
    if challenge.email:
        send_mail(f"Your {label} code", text, None, [challenge.email])


@shared_task(ignore_result=True)
def notify_lockout(user_id: int) -> None:
    """Tell an account's owner that sign-in was locked after many failures."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    text = (
        "Sign-in to your account was locked for an hour after many failed attempts. "
        "If this was not you, reset your password."
    )
    if user.email:
        send_mail("Sign-in locked", text, None, [user.email])
    elif user.mobile:
        send_sms(user.mobile, text)
