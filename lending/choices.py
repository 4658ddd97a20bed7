"""The lending app's choice vocabularies, importable without its models."""

from django.db import models


class DelinquencyBucket(models.TextChoices):
    CURRENT = "current", "Current"
    DPD_1_30 = "1-30", "1-30 days past due"
    DPD_31_60 = "31-60", "31-60 days past due"
    DPD_61_90 = "61-90", "61-90 days past due"
    DPD_90_PLUS = "90+", "More than 90 days past due"

    @classmethod
    def for_days(cls, days_past_due: int) -> "DelinquencyBucket":
        if days_past_due <= 0:
            return cls.CURRENT
        if days_past_due <= 30:
            return cls.DPD_1_30
        if days_past_due <= 60:
            return cls.DPD_31_60
        if days_past_due <= 90:
            return cls.DPD_61_90
        return cls.DPD_90_PLUS


class LoanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"
