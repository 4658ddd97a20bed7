"""The accounts app's choice vocabularies, importable without its models."""

from django.db import models


class AccountStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "Waiting for approval"
    ACTIVE = "active", "Active"
    BLOCKED = "blocked", "Blocked"
    DEACTIVATED = "deactivated", "Deactivated"
    ARCHIVED = "archived", "Archived"


class SubscriberType(models.TextChoices):
    PREPAID = "prepaid", "Prepaid"
    POSTPAID = "postpaid", "Postpaid"


class StaffType(models.TextChoices):
    SUPER_ADMIN = "super_admin", "Super Administrator"
    ADMIN = "admin", "Administrator"
    BILLING_MANAGER = "billing_manager", "Billing Manager"
    NOC_MANAGER = "noc_manager", "NOC Manager"
    SUPPORT_STAFF = "support_staff", "Support Staff"
    RESELLER_ADMIN = "reseller_admin", "Reseller Administrator"
    SUB_RESELLER_ADMIN = "sub_reseller_admin", "Sub-Reseller Administrator"
    FIELD_STAFF = "field_staff", "Field Staff"
    CALLING_AGENT = "calling_agent", "Calling Agent"
    COLLECTION_OFFICER = "collection_officer", "Collection Officer"
    MANAGER = "manager", "Manager"


class OtpPurpose(models.TextChoices):
    REGISTER = "register", "Registration"
    SIGNUP = "signup", "Sign-up by phone"
    LOGIN = "login", "Sign-in"
    PASSWORD_RESET = "password_reset", "Password reset"
    KYC_AADHAAR = "kyc_aadhaar", "Aadhaar verification"
    KYC_PAN = "kyc_pan", "PAN verification"
    KYC_BUSINESS = "kyc_business", "Business verification"
    KYC_BANK = "kyc_bank", "Bank account verification"
    STEP_UP = "step_up", "Confirmation of a sensitive action"
