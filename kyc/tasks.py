from celery import shared_task

from kyc.services import kyc_challenge_verified, kyc_process_submissions


@shared_task
def process_kyc_submissions() -> dict[str, int]:
    """Score submissions whose code was confirmed; expire the ones never confirmed."""
    return kyc_process_submissions()


@shared_task
def kyc_code_verified(challenge_id: str) -> str | None:
    """Process the submission of a code just verified at /otp/verify_otp, without waiting."""
    record = kyc_challenge_verified(challenge_id=challenge_id)
    return None if record is None else record.status
