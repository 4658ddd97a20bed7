"""KYC records and the Aadhaar vault.

Identity numbers are never stored in the clear. Aadhaar numbers live only in
`AadhaarVault` (UIDAI's Aadhaar Data Vault): ciphertext, the id of its key and a
keyed hash, reached by a random reference key. PAN, GSTIN and bank account
numbers are encrypted the same way on the record itself. The keyed hashes (blind
indexes) serve lookups and the constraints that stop one number being attached
to two people; replies, the admin and reports use the stored masked form.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from kyc.choices import KycStatus


class KycKind(models.TextChoices):
    AADHAAR = "aadhaar", "Aadhaar"
    PAN = "pan", "PAN"
    BUSINESS = "business", "Business"
    BANK = "bank", "Bank account"


# A record in one of these states holds its number: nobody else may attach it.
# A rejection or an expiry releases it, so a stranger's failed claim never locks
# the real owner out.
CLAIMING_STATUSES = (
    KycStatus.PENDING,
    KycStatus.PENDING_REVIEW,
    KycStatus.VERIFIED,
    KycStatus.RESUBMISSION_REQUIRED,
)
# The owner may send a new submission over a record in one of these states.
RESUBMITTABLE_STATUSES = (
    KycStatus.PENDING,
    KycStatus.REJECTED,
    KycStatus.RESUBMISSION_REQUIRED,
    KycStatus.EXPIRED,
)
OPEN_STATUSES = (KycStatus.PENDING, KycStatus.PENDING_REVIEW)


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"


class BusinessType(models.TextChoices):
    SOLE_PROPRIETORSHIP = "sole_proprietorship", "Sole proprietorship"
    PARTNERSHIP = "partnership", "Partnership"
    LLP = "llp", "Limited liability partnership"
    PRIVATE_LIMITED = "private_limited", "Private limited company"
    PUBLIC_LIMITED = "public_limited", "Public limited company"
    ONE_PERSON_COMPANY = "one_person_company", "One person company"
    TRUST = "trust", "Trust"
    SOCIETY = "society", "Society"
    HUF = "huf", "Hindu undivided family"
    OTHER = "other", "Other"


class BankAccountType(models.TextChoices):
    SAVINGS = "savings", "Savings"
    CURRENT = "current", "Current"
    SALARY = "salary", "Salary"
    NRE = "nre", "NRE"
    NRO = "nro", "NRO"


class AadhaarVault(models.Model):
    """One Aadhaar number, encrypted; everything else refers to it by `reference_key`.

    One row per distinct number (the blind index is unique), shared by every
    submission of that number, so the vault holds each number exactly once.
    """

    reference_key = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ciphertext = models.TextField(editable=False)
    key_id = models.CharField(max_length=64, editable=False, db_index=True)
    blind_index = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=now, editable=False)
    rotated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "Aadhaar vault entry"
        verbose_name_plural = "Aadhaar vault"
        constraints = [
            models.UniqueConstraint(fields=["blind_index"], name="kyc_vault_blind_index_unique"),
        ]

    def __str__(self) -> str:
        return f"Aadhaar vault entry {self.reference_key}"


class KycRecord(models.Model):
    """One submission of one document by one person.

    Each new submission is a new row; the one a person is working on is
    `is_current`, older ones stay as history. `holder_name` is the name on the
    document: the Aadhaar or PAN holder, the business name, or the bank account
    holder.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="kyc_records"
    )
    kind = models.CharField(max_length=16, choices=KycKind.choices)
    status = models.CharField(max_length=24, choices=KycStatus.choices, default=KycStatus.PENDING)
    is_current = models.BooleanField(default=True)

    holder_name = models.CharField(max_length=200)
    dob = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=8, choices=Gender.choices, blank=True)
    address = models.TextField(blank=True)

    # Aadhaar: only the vault's reference key, never the number.
    aadhaar_ref = models.ForeignKey(
        AadhaarVault,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name="Aadhaar reference key",
    )
    # PAN, GSTIN (business) or bank account number: ciphertext, key id, blind index.
    number_ciphertext = models.TextField(blank=True, editable=False)
    number_key_id = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    number_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    number_masked = models.CharField("number (masked)", max_length=32, blank=True)

    pan_holder_type = models.CharField(max_length=40, blank=True)
    # Blind index of the PAN inside the GSTIN, to compare with the PAN record unseen.
    gstin_pan_index = models.CharField(max_length=64, blank=True, editable=False)
    business_type = models.CharField(max_length=32, choices=BusinessType.choices, blank=True)
    registration_number = models.CharField(max_length=50, blank=True)
    registration_date = models.DateField(null=True, blank=True)
    ifsc = models.CharField("IFSC", max_length=11, blank=True)
    bank_name = models.CharField(max_length=120, blank=True)
    # The branch the IFSC directory names for `ifsc` when the account was submitted.
    bank_branch = models.CharField(max_length=120, blank=True)
    account_type = models.CharField(max_length=16, choices=BankAccountType.choices, blank=True)

    otp_challenge = models.ForeignKey(
        "accounts.OtpChallenge",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    otp_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The number was already held by another account when this was submitted. The
    # submission goes ahead like any other (its reply tells nobody whose the number
    # is), never holds the number and can never be verified; staff resolve it.
    held_elsewhere = models.BooleanField(default=False, editable=False)

    verification_score = models.PositiveSmallIntegerField(null=True, blank=True)
    verification_checks = models.JSONField(default=list, blank=True)
    verification_provider = models.CharField(max_length=100, blank=True)

    submitted_at = models.DateTimeField(default=now)
    verified_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    # Why the submission waits for a person, in words its owner may read.
    review_reason = models.TextField(blank=True)
    review_note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "KYC record"
        ordering = ("-submitted_at", "-id")
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="kyc_status_submitted_idx"),
            models.Index(fields=["user", "kind"], name="kyc_user_kind_idx"),
        ]
        permissions = [
            ("review_kyc", "Can approve, reject or return KYC submissions"),
            ("view_kyc_report", "Can view KYC reports"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=KycKind.values), name="kyc_record_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=KycStatus.values), name="kyc_record_status_valid"
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(is_current=True),
                name="kyc_one_current_record_per_kind",
            ),
            # The same Aadhaar cannot be held by two people (nor twice by one).
            models.UniqueConstraint(
                fields=["aadhaar_ref"],
                condition=Q(is_current=True, status__in=CLAIMING_STATUSES),
                name="kyc_aadhaar_held_once",
            ),
            # Same for PAN and bank accounts, by their blind index.
            models.UniqueConstraint(
                fields=["kind", "number_index"],
                condition=Q(
                    is_current=True,
                    status__in=CLAIMING_STATUSES,
                    kind__in=[KycKind.PAN, KycKind.BANK],
                    held_elsewhere=False,
                ),
                name="kyc_number_held_once",
            ),
            models.CheckConstraint(
                condition=~Q(kind=KycKind.AADHAAR) | Q(aadhaar_ref__isnull=False),
                name="kyc_aadhaar_has_vault_ref",
            ),
            models.CheckConstraint(
                condition=Q(kind=KycKind.AADHAAR) | Q(aadhaar_ref__isnull=True),
                name="kyc_vault_ref_only_for_aadhaar",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[KycKind.PAN, KycKind.BANK])
                | (~Q(number_ciphertext="") & ~Q(number_index="")),
                name="kyc_number_encrypted_and_indexed",
            ),
            models.CheckConstraint(
                condition=Q(verification_score__isnull=True) | Q(verification_score__lte=100),
                name="kyc_score_at_most_100",
            ),
            models.CheckConstraint(
                condition=~Q(status=KycStatus.VERIFIED) | Q(verified_at__isnull=False),
                name="kyc_verified_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(held_elsewhere=True, status=KycStatus.VERIFIED),
                name="kyc_held_elsewhere_never_verified",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[KycStatus.REJECTED, KycStatus.RESUBMISSION_REQUIRED])
                | ~Q(rejection_reason=""),
                name="kyc_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} KYC #{self.pk} ({self.status})"

    @property
    def otp_verified(self) -> bool:
        challenge = self.otp_challenge
        return self.otp_confirmed_at is not None or (
            challenge is not None and challenge.verified_at is not None
        )
