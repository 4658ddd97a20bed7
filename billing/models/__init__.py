from billing.models.locations import District, Division, Thana
from billing.models.organizations import (
    CHILD_TIER,
    SHARE_FIELDS,
    SPLIT_WITH_SUB_FIELDS,
    Organization,
    OrganizationMembership,
    OrganizationTier,
)

__all__ = [
    "CHILD_TIER",
    "SHARE_FIELDS",
    "SPLIT_WITH_SUB_FIELDS",
    "District",
    "Division",
    "Organization",
    "OrganizationMembership",
    "OrganizationTier",
    "Thana",
]
