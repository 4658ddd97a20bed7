"""Sealing identity numbers: ciphertext, key id and blind index, and the way back.

The only code that sees a plaintext number after validation is here and in a
verification provider that asks for it; nothing returned from here to a view
is ever unmasked.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from kyc import crypto
from kyc.models import AadhaarVault, KycKind, KycRecord

# Encryption and blind-index domains per kind of number: a token or a hash of one
# kind can never be taken for another.
AADHAAR_CONTEXT = "aadhaar"
PAN_CONTEXT = "pan"
GSTIN_CONTEXT = "gstin"
BANK_ACCOUNT_CONTEXT = "bank_account"

RECORD_CONTEXTS = {
    KycKind.PAN: PAN_CONTEXT,
    KycKind.BUSINESS: GSTIN_CONTEXT,
    KycKind.BANK: BANK_ACCOUNT_CONTEXT,
}


@dataclass(frozen=True)
class Sealed:
    ciphertext: str
    key_id: str
    index: str


def seal(value: str, *, context: str, index_value: str | None = None) -> Sealed:
    token = crypto.encrypt(value, context=context)
    index = crypto.blind_index(value if index_value is None else index_value, context=context)
    return Sealed(ciphertext=token, key_id=crypto.key_id_of(token), index=index)


def aadhaar_index(number: str) -> str:
    return crypto.blind_index(number, context=AADHAAR_CONTEXT)


def pan_index(pan: str) -> str:
    return crypto.blind_index(pan, context=PAN_CONTEXT)


def gstin_index(gstin: str) -> str:
    return crypto.blind_index(gstin, context=GSTIN_CONTEXT)


def bank_account_index_value(ifsc: str, account_number: str) -> str:
    # Account numbers are unique within a bank, not across banks: the bank's
    # code (IFSC's first four letters) is part of what makes an account one.
    return f"{ifsc[:4]}:{account_number}"


def bank_account_index(ifsc: str, account_number: str) -> str:
    return crypto.blind_index(
        bank_account_index_value(ifsc, account_number), context=BANK_ACCOUNT_CONTEXT
    )


def vault_store(number: str) -> AadhaarVault:
    """The vault entry of a normalized Aadhaar number, created on first sight."""
    index = aadhaar_index(number)
    entry = AadhaarVault.objects.filter(blind_index=index).first()
    if entry is not None:
        return entry
    token = crypto.encrypt(number, context=AADHAAR_CONTEXT)
    try:
        with transaction.atomic():
            return AadhaarVault.objects.create(
                ciphertext=token, key_id=crypto.key_id_of(token), blind_index=index
            )
    except IntegrityError:
        # Someone stored the same number a moment ago: theirs is the entry.
        return AadhaarVault.objects.get(blind_index=index)


def vault_reveal(entry: AadhaarVault) -> str:
    return crypto.decrypt(entry.ciphertext, context=AADHAAR_CONTEXT)


def record_number_reveal(record: KycRecord) -> str:
    """The plaintext number of a record (Aadhaar through the vault), or "" when it has none."""
    if record.kind == KycKind.AADHAAR:
        return vault_reveal(record.aadhaar_ref)
    if not record.number_ciphertext:
        return ""
    return crypto.decrypt(record.number_ciphertext, context=RECORD_CONTEXTS[record.kind])
