from recharge.models.catalog import (
    CatalogStatus,
    DiscountType,
    Offer,
    OfferType,
    Plan,
    PlanGroup,
)
from recharge.models.fulfilment import Fulfilment, FulfilmentStatus
from recharge.models.idempotency import IdempotencyRecord
from recharge.models.subscriptions import (
    ActivationMode,
    Autopay,
    AutopayCharge,
    AutopayChargeStatus,
    AutopayStatus,
    OfferRedemption,
    ReferralReward,
    ReferralStatus,
    UserPlan,
    UserPlanStatus,
)
from recharge.models.wallet import (
    LedgerEntry,
    PaymentMethod,
    Transaction,
    TxnCategory,
    TxnSource,
    TxnStatus,
    TxnType,
    Wallet,
)

__all__ = [
    "ActivationMode",
    "Autopay",
    "AutopayCharge",
    "AutopayChargeStatus",
    "AutopayStatus",
    "CatalogStatus",
    "DiscountType",
    "Fulfilment",
    "FulfilmentStatus",
    "IdempotencyRecord",
    "LedgerEntry",
    "Offer",
    "OfferRedemption",
    "OfferType",
    "PaymentMethod",
    "Plan",
    "PlanGroup",
    "ReferralReward",
    "ReferralStatus",
    "Transaction",
    "TxnCategory",
    "TxnSource",
    "TxnStatus",
    "TxnType",
    "UserPlan",
    "UserPlanStatus",
    "Wallet",
]
from recharge.notifications.models import *  # noqa: F403
