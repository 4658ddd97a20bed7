"""Submitting each KYC document: validate, seal, store, send the confirmation code."""

from __future__ import annotations

import dataclasses
import datetime

from django.db import transaction
from django.db.models import Q

from accounts.models import User
from accounts.services.security import security_identity_number_contested
from audit import context as request_context
from kyc import crypto, providers, selectors, validators, vault
from kyc.models import (
    AadhaarVault,
    BankAccountType,
    BusinessType,
    Gender,
    KycKind,
    KycRecord,
    KycStatus,
)
from kyc.services.steps import (
    FieldErrors,
    Submission,
    choice_of,
    clean_name,
    current_for_update,
    ensure_unclaimed,
    live_holder,
    past_date,
    save_and_send,
    submission_start,
)


def submit_aadhaar(
    *,
    user: User,
    aadhaar_number: str,
    name: str,
    dob: datetime.date,
    gender: str = "",
    address: str = "",
) -> Submission:
    submission_start(user)
    errors = FieldErrors()
    number = errors.check("aadhaar_number", validators.normalize_aadhaar, aadhaar_number)
    name = errors.check("name", clean_name, name)
    errors.check("dob", validators.validate_adult_dob, dob)
    if gender:
        errors.check("gender", choice_of(Gender), gender)
    errors.raise_if_any()

    with transaction.atomic():
        current = current_for_update(user, KycKind.AADHAAR)
        existing = AadhaarVault.objects.filter(blind_index=vault.aadhaar_index(number)).first()
        if existing is not None:
            ensure_unclaimed(
                user=user,
                kind=KycKind.AADHAAR,
                holds=Q(aadhaar_ref=existing),
                label="Aadhaar number",
            )
        record = KycRecord(
            user=user,
            kind=KycKind.AADHAAR,
            holder_name=name,
            dob=dob,
            gender=gender,
            address=address.strip(),
            aadhaar_ref=existing or vault.vault_store(number),
            number_masked=crypto.mask_aadhaar(number),
        )
        return save_and_send(user=user, record=record, current=current)


def submit_pan(*, user: User, pan_number: str, name: str, dob: datetime.date) -> Submission:
    """A PAN submission. One held by another account is accepted like any other.

    Telling the caller "another account has this PAN" would tell anyone which PANs
    are registered here. So the reply, the code sent and the record are the same
    whoever holds the number; the record is marked `held_elsewhere`, never holds
    the number, goes to review once its code is entered (its score capped like a
    contradiction) and cannot be verified, and staff get a security finding.
    """
    submission_start(user)
    errors = FieldErrors()
    pan = errors.check("pan_number", validators.normalize_pan, pan_number)
    name = errors.check("name", clean_name, name)
    errors.check("dob", validators.validate_adult_dob, dob)
    errors.raise_if_any()

    sealed = vault.seal(pan, context=vault.PAN_CONTEXT)
    with transaction.atomic():
        current = current_for_update(user, KycKind.PAN)
        holder = live_holder(user=user, kind=KycKind.PAN, holds=Q(number_index=sealed.index))
        record = KycRecord(
            user=user,
            kind=KycKind.PAN,
            holder_name=name,
            dob=dob,
            number_ciphertext=sealed.ciphertext,
            number_key_id=sealed.key_id,
            number_index=sealed.index,
            number_masked=crypto.mask_pan(pan),
            pan_holder_type=validators.pan_holder_type(pan),
            held_elsewhere=holder is not None,
        )
        submission = save_and_send(user=user, record=record, current=current)
        if holder is not None:
            security_identity_number_contested(
                user=user,
                ip=request_context.current().ip,
                details={
                    "kind": KycKind.PAN,
                    "record": record.pk,
                    "holder_record": holder.pk,
                    "holder_user": holder.user_id,
                },
            )
        return submission


def submit_business(
    *,
    user: User,
    business_name: str,
    business_type: str,
    registration_number: str = "",
    registration_date: datetime.date | None = None,
    gst_number: str = "",
    address: str = "",
) -> Submission:
    submission_start(user)
    errors = FieldErrors()
    business_name = errors.check("business_name", clean_name, business_name)
    errors.check("business_type", choice_of(BusinessType), business_type)
    errors.check("registration_date", past_date, registration_date)
    gstin = errors.check("gst_number", validators.normalize_gstin, gst_number) if gst_number else ""
    errors.raise_if_any()

    record = KycRecord(
        user=user,
        kind=KycKind.BUSINESS,
        holder_name=business_name,
        business_type=business_type,
        registration_number=registration_number.strip(),
        registration_date=registration_date,
        address=address.strip(),
    )
    if gstin:
        sealed = vault.seal(gstin, context=vault.GSTIN_CONTEXT)
        record.number_ciphertext = sealed.ciphertext
        record.number_key_id = sealed.key_id
        record.number_index = sealed.index
        record.number_masked = crypto.mask_gstin(gstin)
        record.gstin_pan_index = vault.pan_index(validators.gstin_pan(gstin))
    with transaction.atomic():
        current = current_for_update(user, KycKind.BUSINESS)
        submission = save_and_send(user=user, record=record, current=current)
    return dataclasses.replace(submission, expected_review=_gstin_review(user, record))


def _gstin_review(user: User, record: KycRecord) -> str:
    """Why the GSTIN will send the business to review: its PAN is not the person's PAN.

    Only a flat contradiction is told here; a PAN not submitted yet may still come
    before the code is entered, and the confirmation says so if it does not.
    """
    if not record.gstin_pan_index:
        return ""
    pan = selectors.current_record(user, KycKind.PAN)
    if pan is None or pan.status in (KycStatus.REJECTED, KycStatus.EXPIRED):
        return ""
    if pan.number_index == record.gstin_pan_index:
        return ""
    check = {"check": "gstin_pan_matches_pan", "score": 0.0}
    return providers.review_reason([check], score=0, threshold=0)


def submit_bank(
    *,
    user: User,
    account_holder_name: str,
    account_number: str,
    ifsc_code: str,
    bank_name: str = "",
    account_type: str = BankAccountType.SAVINGS,
) -> Submission:
    submission_start(user)
    errors = FieldErrors()
    holder = errors.check("account_holder_name", clean_name, account_holder_name)
    account = errors.check("account_number", validators.normalize_bank_account, account_number)
    ifsc = errors.check("ifsc_code", validators.normalize_ifsc, ifsc_code)
    branch = selectors.ifsc_branch(ifsc) if ifsc else None
    if ifsc and branch is None:
        errors["ifsc_code"] = ["No bank branch has this IFSC in the bank directory."]
    errors.check("account_type", choice_of(BankAccountType), account_type)
    errors.raise_if_any()

    sealed = vault.seal(
        account,
        context=vault.BANK_ACCOUNT_CONTEXT,
        index_value=vault.bank_account_index_value(ifsc, account),
    )
    with transaction.atomic():
        current = current_for_update(user, KycKind.BANK)
        ensure_unclaimed(
            user=user,
            kind=KycKind.BANK,
            holds=Q(number_index=sealed.index),
            label="bank account",
        )
        record = KycRecord(
            user=user,
            kind=KycKind.BANK,
            holder_name=holder,
            number_ciphertext=sealed.ciphertext,
            number_key_id=sealed.key_id,
            number_index=sealed.index,
            number_masked=crypto.mask_account_number(account),
            ifsc=ifsc,
            # The directory's names, not the client's: they are what the IFSC stands for.
            bank_name=branch.bank,
            bank_branch=branch.branch,
            account_type=account_type,
        )
        return save_and_send(user=user, record=record, current=current)
