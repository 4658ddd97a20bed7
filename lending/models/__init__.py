from lending.models.customer import Customer
from lending.models.idempotency import IdempotencyRecord
from lending.models.imports import ImportBatch, ImportKind
from lending.models.interaction import Disposition, Interaction, InteractionType
from lending.models.loan import (
    DelinquencyBucket,
    Installment,
    Loan,
    LoanStatus,
    LoanType,
    Repayment,
    RepaymentAllocation,
    RepaymentMethod,
)

__all__ = [
    "Customer",
    "DelinquencyBucket",
    "Disposition",
    "IdempotencyRecord",
    "ImportBatch",
    "ImportKind",
    "Installment",
    "Interaction",
    "InteractionType",
    "Loan",
    "LoanStatus",
    "LoanType",
    "Repayment",
    "RepaymentAllocation",
    "RepaymentMethod",
]
