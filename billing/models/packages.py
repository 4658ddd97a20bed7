"""What an ISP sells: internet packages, and the price each reseller tier pays for one."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from billing.models.organizations import Organization, OrganizationTier
from config.money import MONEY


class ValidityKind(models.TextChoices):
    MONTHLY = "monthly", "Monthly, from the subscriber's billing day"
    DAYS = "days", "A number of days"


class BillingMode(models.TextChoices):
    PREPAID = "prepaid", "Prepaid: due when the period starts"
    POSTPAID = "postpaid", "Postpaid: due when the period ends"


# The tiers that buy packages wholesale from the organization above them.
RESELLING_TIERS = (OrganizationTier.RESELLER, OrganizationTier.SUB_RESELLER)


class IspPackage(models.Model):
    """An internet package an organization offers; `price` is what a subscriber pays."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="isp_packages",
        help_text="The organization that owns the package.",
    )
    name = models.CharField(max_length=100)
    code = models.CharField(max_length=32, help_text="Also the router profile name.")
    download_mbps = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    upload_mbps = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    price = models.DecimalField(**MONEY, help_text="BDT per period, paid by the subscriber.")
    validity_kind = models.CharField(
        max_length=8, choices=ValidityKind.choices, default=ValidityKind.MONTHLY
    )
    validity_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days per period when validity_kind is days."
    )
    billing_mode = models.CharField(
        max_length=8, choices=BillingMode.choices, default=BillingMode.PREPAID
    )
    sellers = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="isp_packages_sold",
        help_text=(
            "Organizations allowed to sell it (with everything below them); "
            "none: every organization under the owner."
        ),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("organization", "price", "name")
        verbose_name = "ISP package"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="isp_package_code_unique_in_organization"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="isp_package_price_gt_0"),
            models.CheckConstraint(
                condition=Q(download_mbps__gt=0, upload_mbps__gt=0),
                name="isp_package_bandwidth_gt_0",
            ),
            models.CheckConstraint(
                condition=Q(validity_kind__in=ValidityKind.values),
                name="isp_package_validity_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(billing_mode__in=BillingMode.values),
                name="isp_package_billing_mode_valid",
            ),
            models.CheckConstraint(
                condition=Q(validity_kind=ValidityKind.MONTHLY, validity_days__isnull=True)
                | Q(validity_kind=ValidityKind.DAYS, validity_days__gte=1, validity_days__lte=366),
                name="isp_package_validity_days_match_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.download_mbps}/{self.upload_mbps} Mbps, {self.price} BDT)"


class IspPackageTierPrice(models.Model):
    """What a reseller (or sub-reseller) is debited for one period of the package."""

    package = models.ForeignKey(IspPackage, on_delete=models.CASCADE, related_name="tier_prices")
    tier = models.CharField(max_length=16, choices=[(t.value, t.label) for t in RESELLING_TIERS])
    price = models.DecimalField(**MONEY)

    class Meta:
        ordering = ("package", "tier")
        verbose_name = "ISP package tier price"
        constraints = [
            models.UniqueConstraint(fields=["package", "tier"], name="isp_tier_price_once"),
            models.CheckConstraint(condition=Q(price__gt=0), name="isp_tier_price_gt_0"),
            models.CheckConstraint(
                condition=Q(tier__in=[t.value for t in RESELLING_TIERS]),
                name="isp_tier_price_tier_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package.code} for {self.tier}: {self.price}"
