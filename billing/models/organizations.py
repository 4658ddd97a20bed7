"""ISP organizations (KTL and its resellers) and who belongs to which."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.db.models.lookups import Exact

from accounts.phone import normalize_mobile
from billing.settings_schema import (
    SettingsValidator,
    billing_settings_default,
    sync_settings_default,
)

HUNDRED = Decimal("100.00")
# With a sub-reseller the three parties split the revenue between them.
SPLIT_WITH_SUB_FIELDS = (
    "default_sub_reseller_share",
    "default_ktl_share_with_sub",
    "default_reseller_share_with_sub",
)
SHARE_FIELDS = ("default_reseller_share", *SPLIT_WITH_SUB_FIELDS)


class OrganizationTier(models.TextChoices):
    COMPANY = "company", "Company"
    RESELLER = "reseller", "Reseller"
    SUB_RESELLER = "sub_reseller", "Sub-reseller"


# The tier an organization must have below a parent of each tier (None: at the top).
CHILD_TIER = {
    None: OrganizationTier.COMPANY,
    OrganizationTier.COMPANY: OrganizationTier.RESELLER,
    OrganizationTier.RESELLER: OrganizationTier.SUB_RESELLER,
}


def _share_field(default: str, help_text: str) -> models.DecimalField:
    return models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(HUNDRED)],
        help_text=help_text,
    )


class OrganizationQuerySet(models.QuerySet):
    def active(self) -> "OrganizationQuerySet":
        return self.filter(archived_at__isnull=True)

    def subtree_of(self, organization: "Organization") -> "OrganizationQuerySet":
        """The organization and everything below it, in one query (path prefix)."""
        return self.filter(path__startswith=organization.path)


class Organization(models.Model):
    """A company, reseller or sub-reseller; `parent` forms the reseller hierarchy.

    `path` is the chain of ids from the top (`/1/4/9/`), so a subtree is one
    prefix query whatever its depth.
    """

    company_name = models.CharField(max_length=200)
    company_code = models.CharField(
        max_length=32,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
                "Use letters, digits, '-' and '_' (starting with a letter or digit).",
            )
        ],
        help_text="Unique whatever the case.",
    )
    business_license = models.CharField(max_length=100, blank=True)
    vat_registration = models.CharField(max_length=100, blank=True)
    address = models.TextField(blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=16, blank=True, help_text="E.164.")
    website = models.URLField(blank=True)
    organization_type = models.CharField(
        max_length=100, blank=True, help_text="Line of business, free text (e.g. Banking)."
    )

    tier = models.CharField(max_length=16, choices=OrganizationTier.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    revenue_sharing_enabled = models.BooleanField(default=False)
    default_reseller_share = _share_field(
        "50.00", "Reseller's percentage when no sub-reseller is involved; KTL keeps the rest."
    )
    default_sub_reseller_share = _share_field("45.00", "Sub-reseller's percentage.")
    default_ktl_share_with_sub = _share_field(
        "50.00", "KTL's percentage when a sub-reseller is involved."
    )
    default_reseller_share_with_sub = _share_field(
        "5.00", "Reseller's percentage when a sub-reseller is involved."
    )

    # Stored complete: the services fill the keys a write leaves out with their defaults.
    billing_settings = models.JSONField(
        default=billing_settings_default,
        blank=True,
        validators=[SettingsValidator("billing_settings")],
    )
    sync_settings = models.JSONField(
        default=sync_settings_default,
        blank=True,
        validators=[SettingsValidator("sync_settings")],
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ("path",)
        constraints = [
            models.UniqueConstraint(
                Lower("company_code"),
                name="organization_code_ci_unique",
                violation_error_message="An organization with this code already exists.",
            ),
            models.CheckConstraint(
                condition=Q(tier__in=OrganizationTier.values), name="organization_tier_valid"
            ),
            models.CheckConstraint(
                condition=Q(tier=OrganizationTier.COMPANY, parent__isnull=True)
                | (~Q(tier=OrganizationTier.COMPANY) & Q(parent__isnull=False)),
                name="organization_only_companies_at_top",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="organization_not_own_parent"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 0, f"{name}__lte": HUNDRED}),
                    name=f"organization_{name}_percentage",
                )
                for name in SHARE_FIELDS
            ),
            models.CheckConstraint(
                condition=Q(revenue_sharing_enabled=False)
                | Q(
                    Exact(
                        F("default_sub_reseller_share")
                        + F("default_ktl_share_with_sub")
                        + F("default_reseller_share_with_sub"),
                        HUNDRED,
                    )
                ),
                name="organization_split_with_sub_is_whole",
            ),
        ]
        indexes = [
            # A subtree is `path LIKE '/1/4/%'`; this operator class lets that use an index.
            models.Index(
                fields=["path"], name="organization_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.company_code})"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def default_ktl_share(self) -> Decimal:
        """KTL's percentage when no sub-reseller is involved."""
        return HUNDRED - (self.default_reseller_share or Decimal("0"))

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        self.company_code = (self.company_code or "").strip()
        if self.contact_phone:
            try:
                # Seed 003 is a Bangladeshi ISP: local numbers are read as Bangladeshi.
                self.contact_phone = normalize_mobile(self.contact_phone, region="BD")
            except ValidationError:
                errors["contact_phone"] = ["Enter a valid phone number."]
        parent = self.parent
        expected = CHILD_TIER.get(parent.tier if parent else None)
        if parent is not None:
            if parent.is_archived:
                errors.setdefault("parent", []).append("This organization is archived.")
            elif self.pk and (parent.pk == self.pk or f"/{self.pk}/" in parent.path):
                errors.setdefault("parent", []).append(
                    "An organization cannot be placed under itself or one of its own."
                )
        if expected is None:
            errors.setdefault("parent", []).append(
                "A sub-reseller cannot have organizations below it."
            )
        elif self.tier and self.tier != expected:
            place = f"below a {parent.get_tier_display().lower()}" if parent else "at the top"
            errors.setdefault("tier", []).append(
                f"An organization {place} must be a {expected.label.lower()}."
            )
        if self.revenue_sharing_enabled and all(
            getattr(self, name) is not None for name in SPLIT_WITH_SUB_FIELDS
        ):
            total = sum(getattr(self, name) for name in SPLIT_WITH_SUB_FIELDS)
            if total != HUNDRED:
                errors.setdefault("default_sub_reseller_share", []).append(
                    "With a sub-reseller the shares must add up to 100: "
                    "default_sub_reseller_share + default_ktl_share_with_sub + "
                    f"default_reseller_share_with_sub is {total}."
                )
        if errors:
            raise ValidationError(errors)


class OrganizationMembership(models.Model):
    """The organization a user works for (at most one)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("organization", "user")

    def __str__(self) -> str:
        return f"{self.user} in {self.organization.company_code}"
