from django.conf import settings
from django.db import models
from django.utils import timezone


class Customer(models.Model):
    """A borrower, worked by the collection officer assigned to them."""

    customer_code = models.CharField(
        max_length=32, help_text="Given by the lender, or generated (8 characters) when left out."
    )
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=16, help_text="E.164.")
    email = models.EmailField(blank=True)
    # The two user references are checked by the application (the importer
    # resolves every officer before saving; users are archived, never deleted,
    # and PROTECT still guards deletes made through Django) rather than by
    # database foreign keys: their per-row checks at commit would double the
    # time of a 100,000-row import.
    assigned_collection_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lending_customers",
        db_constraint=False,
    )
    address_line_1 = models.CharField(max_length=255, blank=True)
    address_line_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    pincode = models.CharField(max_length=6, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-id",)
        permissions = [
            ("view_all_customers", "Can see every customer, loan and interaction"),
        ]
        # Plain indexes, not `unique=True`/`db_index=True` on the fields, which on
        # PostgreSQL add a second (pattern) index to each: every index costs the
        # bulk import time, and these columns are only matched exactly.
        indexes = [models.Index(fields=["phone"], name="lending_customer_phone_idx")]
        constraints = [
            models.UniqueConstraint(fields=["customer_code"], name="lending_customer_code_unique"),
            models.CheckConstraint(
                condition=~models.Q(customer_code=""), name="lending_customer_code_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(pincode="") | models.Q(pincode__regex=r"^[1-9][0-9]{5}$"),
                name="lending_customer_pincode_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_code} {self.name}"
