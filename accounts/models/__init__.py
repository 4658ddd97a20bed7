from accounts.models.activity import LoginActivity, LoginEvent
from accounts.models.otp import OtpChallenge, OtpPurpose
from accounts.models.preferences import UserPreference
from accounts.models.roles import CustomPermission, PermissionCategory, Role, UserRole
from accounts.models.security import (
    ActionTaken,
    ActivityKind,
    BlockedIP,
    SuspiciousActivity,
    ThreatLevel,
)
from accounts.models.session import AuthSession
from accounts.models.user import AccountStatus, StaffType, SubscriberType, User, UserManager

__all__ = [
    "AccountStatus",
    "ActionTaken",
    "ActivityKind",
    "AuthSession",
    "BlockedIP",
    "CustomPermission",
    "LoginActivity",
    "LoginEvent",
    "OtpChallenge",
    "OtpPurpose",
    "PermissionCategory",
    "Role",
    "StaffType",
    "SubscriberType",
    "SuspiciousActivity",
    "ThreatLevel",
    "User",
    "UserManager",
    "UserPreference",
    "UserRole",
]
