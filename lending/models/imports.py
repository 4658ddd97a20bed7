from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", "Customers"
    INTERACTIONS = "interactions", "Interactions"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Being imported"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


FINISHED_STATUSES = (ImportStatus.DONE, ImportStatus.FAILED)


class ImportBatch(models.Model):
    """One CSV upload: what came in, how far its import has got and what became of it.

    A small file is imported in its request and its batch is written once,
    done. A large one is queued: the batch is the job a client polls, and
    its progress is saved as a background task works through the rows.
    """

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.DONE
    )
    dry_run = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField()
    rows_total = models.PositiveIntegerField(
        default=0,
        help_text="Rows of the file: counted by line breaks while queued, by the import once done.",
    )
    rows_processed = models.PositiveIntegerField(default=0)
    records_valid = models.PositiveIntegerField(default=0)
    records_created = models.PositiveIntegerField(default=0)
    records_skipped = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first errors reported.")
    failure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Moves with every progress save: a job whose time stands still has lost its worker.
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-id",)
        verbose_name_plural = "import batches"
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_processed__lte=models.F("rows_total")),
                name="lending_importbatch_processed_within_total",
            ),
            models.CheckConstraint(
                condition=Q(status=ImportStatus.FAILED, failure_reason__gt="")
                | (~Q(status=ImportStatus.FAILED) & Q(failure_reason="")),
                name="lending_importbatch_reason_iff_failed",
            ),
            models.CheckConstraint(
                condition=Q(status__in=FINISHED_STATUSES, finished_at__isnull=False)
                | (~Q(status__in=FINISHED_STATUSES) & Q(finished_at__isnull=True)),
                name="lending_importbatch_finished_iff_done_or_failed",
            ),
            models.CheckConstraint(
                condition=Q(dry_run=False) | Q(records_created=0),
                name="lending_importbatch_dry_run_creates_nothing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} import #{self.pk} ({self.status}, {self.records_created} created)"


class ImportFile(models.Model):
    """The bytes of a queued upload, kept until its import has finished.

    They live in the database because a worker may run on another machine,
    and web processes and workers share nothing else; the row goes when the
    job is done or failed.
    """

    batch = models.OneToOneField(
        ImportBatch, on_delete=models.CASCADE, primary_key=True, related_name="upload"
    )
    content = models.BinaryField()

    def __str__(self) -> str:
        return f"file of import #{self.batch_id}"
