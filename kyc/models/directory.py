"""The bank and branch directory that IFSC codes are checked against.

Loaded from Razorpay's published IFSC dataset (RBI and NPCI sources) by
`manage.py ifsc_refresh`; one row per branch code. A code missing from it is
refused on bank KYC, so a well-formed but made-up IFSC never passes.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Left

IFSC_PATTERN = r"^[A-Z]{4}0[A-Z0-9]{6}$"


class IfscBranch(models.Model):
    ifsc = models.CharField("IFSC", max_length=11, primary_key=True)
    bank_code = models.CharField(max_length=4, db_index=True, editable=False)
    bank = models.CharField(max_length=120)
    branch = models.CharField(max_length=120)
    centre = models.CharField(max_length=80, blank=True)
    district = models.CharField(max_length=80, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=80, blank=True)
    address = models.TextField(blank=True)
    contact = models.CharField(max_length=40, blank=True)
    micr = models.CharField("MICR", max_length=12, blank=True)
    swift = models.CharField("SWIFT", max_length=11, blank=True)
    neft = models.BooleanField("NEFT", default=False)
    rtgs = models.BooleanField("RTGS", default=False)
    imps = models.BooleanField("IMPS", default=False)
    upi = models.BooleanField("UPI", default=False)
    # When a refresh last changed the branch's details.
    refreshed_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "IFSC branch"
        verbose_name_plural = "IFSC directory"
        ordering = ("ifsc",)
        constraints = [
            models.CheckConstraint(condition=Q(ifsc__regex=IFSC_PATTERN), name="kyc_ifsc_format"),
            models.CheckConstraint(
                condition=Q(bank_code=Left("ifsc", 4)),
                name="kyc_ifsc_bank_code_prefix",
            ),
            models.CheckConstraint(condition=Q(bank__gt=""), name="kyc_ifsc_bank_named"),
        ]

    def __str__(self) -> str:
        return f"{self.ifsc} {self.bank}, {self.branch}"

    @property
    def payment_systems(self) -> list[str]:
        """The payment systems the branch takes part in, as the directory lists them."""
        flags = (("NEFT", self.neft), ("RTGS", self.rtgs), ("IMPS", self.imps), ("UPI", self.upi))
        return [name for name, on in flags if on]
