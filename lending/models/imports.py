from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", "Customers"
    INTERACTIONS = "interactions", "Interactions"


class ImportBatch(models.Model):
    """One CSV upload that saved rows: what came in and what became of it."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField()
    rows_total = models.PositiveIntegerField()
    records_created = models.PositiveIntegerField()
    records_skipped = models.PositiveIntegerField()
    error_count = models.PositiveIntegerField()
    errors = models.JSONField(default=list, blank=True, help_text="The first errors reported.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-id",)
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.kind} import #{self.pk} ({self.records_created} created)"
