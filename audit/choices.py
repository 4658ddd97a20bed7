"""The audit app's choice vocabularies, importable without its models."""

from django.db import models


class BackupStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    # Seed 004's word for a finished backup.
    COMPLETED = "success", "Completed"
    FAILED = "failed", "Failed"
