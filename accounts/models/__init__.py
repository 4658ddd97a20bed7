from accounts.models.activity import LoginActivity, LoginEvent
from accounts.models.otp import OtpChallenge, OtpPurpose
from accounts.models.session import AuthSession
from accounts.models.user import AccountStatus, StaffType, SubscriberType, User, UserManager

__all__ = [
    "AccountStatus",
    "AuthSession",
    "LoginActivity",
    "LoginEvent",
    "OtpChallenge",
    "OtpPurpose",
    "StaffType",
    "SubscriberType",
    "User",
    "UserManager",
]
