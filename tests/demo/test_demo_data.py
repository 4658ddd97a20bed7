"""`manage.py demo_data`: coherent data in every back office, the same on every run."""

from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Sum

from audit.chain import verify_chain
from audit.models import ApiRequestLog
from demo.context import DEMO_PASSWORD
from kyc.models import KycRecord, KycStatus
from lending.models import DelinquencyBucket, Installment, Loan, LoanStatus
from recharge.models import AutopayStatus, LedgerEntry, ReferralStatus, Wallet

pytestmark = pytest.mark.django_db(transaction=True)

OUR_APPS = ("accounts", "audit", "kyc", "lending", "billing", "payments", "recharge", "reports")
# Rows any run writes about itself, not data.
RUN_RECORDS = {ApiRequestLog}


def demo_data() -> str:
    out = StringIO()
    call_command("demo_data", "--size", "small", stdout=out, stderr=StringIO())
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models()
        if model not in RUN_RECORDS
    }


def test_a_second_run_adds_and_changes_nothing():
    demo_data()
    first = row_counts()
    balances = dict(Wallet.objects.values_list("user_id", "balance"))
    loans = dict(Loan.objects.values_list("loan_account_number", "outstanding_amount"))
    demo_data()
    assert row_counts() == first
    assert dict(Wallet.objects.values_list("user_id", "balance")) == balances
    assert dict(Loan.objects.values_list("loan_account_number", "outstanding_amount")) == loans
    assert first["lending.Loan"] > 0 and first["recharge.LedgerEntry"] > 0


def test_the_data_is_coherent_and_every_printed_account_signs_in(password_sign_in):
    printed = demo_data()

    # Money: every balance is the sum of its ledger, and nothing is below zero.
    wallets = Wallet.objects.all()
    assert wallets.exists()
    for wallet in wallets:
        total = LedgerEntry.objects.filter(wallet=wallet).aggregate(s=Sum("amount"))["s"]
        assert wallet.balance == Decimal(total or 0).quantize(Decimal("0.01")) >= 0
    assert ReferralStatus.EARNED in set(
        apps.get_model("recharge", "ReferralReward").objects.values_list("status", flat=True)
    )
    assert (
        apps.get_model("recharge", "Autopay").objects.filter(status=AutopayStatus.ENABLED).exists()
    )

    # KYC: every state there is, the numbers only in the vault.
    assert set(KycRecord.objects.values_list("status", flat=True)) == set(KycStatus.values)
    assert not KycRecord.objects.filter(kind="pan", number_ciphertext="").exists()

    # Loans: every bucket, schedules from the schedule service, repaid loans closed.
    assert set(Loan.objects.values_list("delinquency_bucket", flat=True)) == set(
        DelinquencyBucket.values
    )
    assert Loan.objects.filter(status=LoanStatus.CLOSED).exists()
    for loan in Loan.objects.all():
        assert Installment.objects.filter(loan=loan).count() == loan.tenure_months

    # The audit trail holds together.
    assert verify_chain().ok

    # One account per role signs in, with the password the command prints.
    assert DEMO_PASSWORD in printed
    table = [line for line in printed.splitlines() if "@demo.example.com" in line]
    assert len(table) >= 12
    for line in table:
        login = next(word for word in line.split() if word.startswith("demo_"))
        body = password_sign_in(login, DEMO_PASSWORD, field="username")
        assert body["access"], login
