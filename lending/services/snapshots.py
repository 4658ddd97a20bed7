"""What the audit trail records of each object: plain values, no secrets."""

from lending.models import Customer, Interaction, Loan, Repayment

CUSTOMER_FIELDS = (
    "customer_code",
    "name",
    "phone",
    "email",
    "assigned_collection_officer_id",
    "address_line_1",
    "address_line_2",
    "city",
    "state",
    "pincode",
    "date_of_birth",
)
LOAN_FIELDS = (
    "loan_account_number",
    "customer_id",
    "principal_amount",
    "interest_rate",
    "loan_type",
    "tenure_months",
    "loan_date",
    "emi_amount",
)
INTERACTION_FIELDS = (
    "loan_id",
    "interaction_type",
    "disposition",
    "comment",
    "next_call_date",
    "promise_amount",
    "promise_date",
)
REPAYMENT_FIELDS = (
    "loan_id",
    "amount",
    "interest_component",
    "principal_component",
    "paid_on",
    "method",
    "reference",
)


def snapshot(obj: Customer | Loan | Interaction | Repayment, fields=None) -> dict:
    if fields is None:
        fields = {
            Customer: CUSTOMER_FIELDS,
            Loan: LOAN_FIELDS,
            Interaction: INTERACTION_FIELDS,
            Repayment: REPAYMENT_FIELDS,
        }[type(obj)]
    return {name: getattr(obj, name) for name in fields}


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the entries that differ, for a compact audit event."""
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}
