"""The recharge app's choice vocabularies, importable without its models."""

from django.db import models


class CatalogStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    # Deleted while in use: kept for the history that points at it, never sold again.
    RETIRED = "retired", "Retired"


class TxnStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCESS = "success", "Success"
    FAILED = "failed", "Failed"
    REVERSED = "reversed", "Reversed"
