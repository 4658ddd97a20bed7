"""One module per back office, run in this order (later ones use earlier ones' people)."""

from demo.sections import billing, kyc, lending, recharge, staff

SECTIONS = (
    ("staff", staff.run),
    ("billing", billing.run),
    ("kyc", kyc.run),
    ("lending", lending.run),
    ("recharge", recharge.run),
)
