"""The KYC app's data: people's records and the Aadhaar vault, and the IFSC directory."""

from kyc.models.directory import IfscBranch
from kyc.models.records import (
    CLAIMING_STATUSES,
    OPEN_STATUSES,
    RESUBMITTABLE_STATUSES,
    AadhaarVault,
    BankAccountType,
    BusinessType,
    Gender,
    KycKind,
    KycRecord,
    KycStatus,
)

__all__ = [
    "CLAIMING_STATUSES",
    "OPEN_STATUSES",
    "RESUBMITTABLE_STATUSES",
    "AadhaarVault",
    "BankAccountType",
    "BusinessType",
    "Gender",
    "IfscBranch",
    "KycKind",
    "KycRecord",
    "KycStatus",
]
