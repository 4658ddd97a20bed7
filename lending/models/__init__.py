from lending.models.customer import Customer
from lending.models.imports import ImportBatch, ImportFile, ImportKind, ImportStatus
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
    "ImportBatch",
    "ImportFile",
    "ImportKind",
    "ImportStatus",
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
