"""The kyc app's choice vocabularies, importable without its models."""

from django.db import models


class KycStatus(models.TextChoices):
    PENDING = "pending", "Submitted, waiting for OTP confirmation"
    PENDING_REVIEW = "pending_review", "Waiting for manual review"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"
    RESUBMISSION_REQUIRED = "resubmission_required", "Resubmission requested"
    EXPIRED = "expired", "Expired or replaced before confirmation"
