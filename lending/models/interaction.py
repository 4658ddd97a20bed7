from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class InteractionType(models.TextChoices):
    FIELD = "field", "Field visit"
    CALLING = "calling", "Call"


class Disposition(models.TextChoices):
    VISITED = "visited", "Visited"
    CALLED = "called", "Called"
    PROMISE_TO_PAY = "promise_to_pay", "Promise to pay"
    NOT_REACHABLE = "not_reachable", "Not reachable"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    REFUSED = "refused", "Refused to pay"
    PAID = "paid", "Paid"


class Interaction(models.Model):
    """A field visit or a call about a loan, with its outcome and the next step."""

    loan = models.ForeignKey("lending.Loan", on_delete=models.CASCADE, related_name="interactions")
    interaction_type = models.CharField(max_length=10, choices=InteractionType.choices)
    disposition = models.CharField(max_length=20, choices=Disposition.choices)
    comment = models.TextField(blank=True)
    next_call_date = models.DateField(null=True, blank=True)
    promise_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    promise_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lending_interactions"
    )
    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # Fingerprint of an imported CSV row, so that uploading a file again adds nothing.
    import_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ("-timestamp", "-id")
        indexes = [
            models.Index(fields=["loan", "interaction_type", "timestamp"]),
            models.Index(fields=["created_by", "next_call_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(disposition=Disposition.PROMISE_TO_PAY)
                    & Q(promise_amount__gt=0)
                    & Q(promise_date__isnull=False)
                )
                | (
                    ~Q(disposition=Disposition.PROMISE_TO_PAY)
                    & Q(promise_amount__isnull=True)
                    & Q(promise_date__isnull=True)
                ),
                name="lending_interaction_promise_only_with_ptp",
            ),
            models.CheckConstraint(
                condition=Q(interaction_type__in=InteractionType.values),
                name="lending_interaction_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(disposition__in=Disposition.values),
                name="lending_interaction_disposition_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interaction_type} {self.disposition} on loan {self.loan_id}"
