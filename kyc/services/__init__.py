"""Every write of the KYC app, one function per use case."""

from kyc.services.confirmation import (
    kyc_challenge_verified,
    kyc_confirm_submission,
    kyc_confirm_with_code,
    kyc_process_submissions,
)
from kyc.services.review import kyc_approve, kyc_reject, kyc_request_resubmission
from kyc.services.rotation import RotationResult, field_keys_pending, field_keys_rotate
from kyc.services.steps import OTP_PURPOSES, Submission
from kyc.services.submission import (
    submit_aadhaar,
    submit_bank,
    submit_business,
    submit_pan,
)

__all__ = [
    "OTP_PURPOSES",
    "RotationResult",
    "Submission",
    "field_keys_pending",
    "field_keys_rotate",
    "kyc_approve",
    "kyc_challenge_verified",
    "kyc_confirm_submission",
    "kyc_confirm_with_code",
    "kyc_process_submissions",
    "kyc_reject",
    "kyc_request_resubmission",
    "submit_aadhaar",
    "submit_bank",
    "submit_business",
    "submit_pan",
]
