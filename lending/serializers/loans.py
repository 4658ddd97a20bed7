from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from lending.models import (
    Customer,
    DelinquencyBucket,
    Installment,
    Loan,
    LoanStatus,
    LoanType,
    Repayment,
    RepaymentAllocation,
    RepaymentMethod,
)
from lending.rules import LOAN_ACCOUNT_NUMBER_MESSAGE, LOAN_ACCOUNT_NUMBER_RE
from lending.selectors import customers_for
from lending.serializers.common import NamedChoiceField, money_field


class InstallmentState(models.TextChoices):
    PAID = "paid", "Paid"
    OVERDUE = "overdue", "Past its due date and not fully paid"
    DUE = "due", "Due today"
    UPCOMING = "upcoming", "Not due yet"


class WorklistReason(models.TextChoices):
    DELINQUENT = "delinquent", "Past due"
    FOLLOW_UP_DUE = "follow_up_due", "A follow-up is due"


STANDING_FIELDS = (
    "emi_amount",
    "status",
    "amount_paid",
    "outstanding_principal",
    "outstanding_amount",
    "overdue_amount",
    "overdue_since",
    "days_past_due",
    "delinquency_bucket",
    "next_follow_up_date",
)


class LoanSerializer(serializers.ModelSerializer):
    loan_account_number = serializers.CharField(
        max_length=32,
        validators=[
            RegexValidator(f"^{LOAN_ACCOUNT_NUMBER_RE.pattern}$", LOAN_ACCOUNT_NUMBER_MESSAGE),
            UniqueValidator(
                queryset=Loan.objects.all(),
                message="A loan with this account number already exists.",
            ),
        ],
    )
    principal_amount = money_field(min_value=Decimal("1.00"))
    interest_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.00"),
        max_value=Decimal("100.00"),
        help_text="Annual rate in percent.",
    )
    tenure_months = serializers.IntegerField(min_value=1, max_value=480)
    loan_type = NamedChoiceField(LoanType, "LoanTypeEnum")
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none())
    status = NamedChoiceField(LoanStatus, "LoanStatusEnum", read_only=True)
    delinquency_bucket = NamedChoiceField(
        DelinquencyBucket, "DelinquencyBucketEnum", read_only=True
    )

    class Meta:
        model = Loan
        fields = (
            "id",
            "loan_account_number",
            "principal_amount",
            "interest_rate",
            "loan_type",
            "tenure_months",
            "loan_date",
            "customer",
            *STANDING_FIELDS,
            "created_at",
            "updated_at",
        )
        read_only_fields = tuple(
            name
            for name in (*STANDING_FIELDS, "id", "created_at", "updated_at")
            if name not in ("status", "delinquency_bucket")
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["customer"].queryset = customers_for(request.user)

    def validate_loan_date(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("The loan date cannot be in the future.")
        return value


class LoanStandingSerializer(serializers.ModelSerializer):
    status = NamedChoiceField(LoanStatus, "LoanStatusEnum", read_only=True)
    delinquency_bucket = NamedChoiceField(
        DelinquencyBucket, "DelinquencyBucketEnum", read_only=True
    )

    class Meta:
        model = Loan
        fields = ("id", *STANDING_FIELDS)
        read_only_fields = fields


class InstallmentSerializer(serializers.ModelSerializer):
    emi = money_field(source="amount_due", read_only=True)
    principal = money_field(source="principal_due", read_only=True)
    interest = money_field(source="interest_due", read_only=True)
    amount_unpaid = money_field(read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Installment
        fields = (
            "number",
            "due_date",
            "opening_balance",
            "emi",
            "principal",
            "interest",
            "closing_balance",
            "principal_paid",
            "interest_paid",
            "amount_unpaid",
            "paid_off_on",
            "status",
        )
        read_only_fields = fields

    @extend_schema_field(NamedChoiceField(InstallmentState, "InstallmentStatusEnum"))
    def get_status(self, item: Installment) -> str:
        today = self.context["today"]
        if item.amount_unpaid == 0:
            return InstallmentState.PAID
        if item.due_date < today:
            return InstallmentState.OVERDUE
        if item.due_date == today:
            return InstallmentState.DUE
        return InstallmentState.UPCOMING


class ScheduleSerializer(serializers.Serializer):
    loan = serializers.IntegerField(source="loan.pk")
    loan_account_number = serializers.CharField(source="loan.loan_account_number")
    principal_amount = money_field(source="loan.principal_amount")
    interest_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, source="loan.interest_rate"
    )
    tenure_months = serializers.IntegerField(source="loan.tenure_months")
    loan_date = serializers.DateField(source="loan.loan_date")
    emi_amount = money_field(source="loan.emi_amount")
    total_interest = money_field()
    total_payable = money_field()
    installments = InstallmentSerializer(many=True)


class RepaymentAllocationSerializer(serializers.ModelSerializer):
    installment_number = serializers.IntegerField(source="installment.number", read_only=True)
    due_date = serializers.DateField(source="installment.due_date", read_only=True)

    class Meta:
        model = RepaymentAllocation
        fields = ("installment_number", "due_date", "interest", "principal")
        read_only_fields = fields


class RepaymentSerializer(serializers.ModelSerializer):
    method = NamedChoiceField(RepaymentMethod, "RepaymentMethodEnum", read_only=True)
    allocations = RepaymentAllocationSerializer(many=True, read_only=True)

    class Meta:
        model = Repayment
        fields = (
            "id",
            "loan",
            "amount",
            "interest_component",
            "principal_component",
            "paid_on",
            "method",
            "reference",
            "received_by",
            "created_at",
            "allocations",
        )
        read_only_fields = fields


class RepaymentReplySerializer(RepaymentSerializer):
    loan_standing = LoanStandingSerializer(source="loan", read_only=True)

    class Meta(RepaymentSerializer.Meta):
        fields = (*RepaymentSerializer.Meta.fields, "loan_standing")
        read_only_fields = fields


class RepaymentCreateSerializer(serializers.Serializer):
    amount = money_field(min_value=Decimal("0.01"))
    paid_on = serializers.DateField(required=False, help_text="Defaults to today.")
    method = NamedChoiceField(RepaymentMethod, "RepaymentMethodEnum", default=RepaymentMethod.CASH)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        attrs.setdefault("paid_on", timezone.localdate())
        return attrs


class WorklistCustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ("id", "customer_code", "name", "phone", "assigned_collection_officer")
        read_only_fields = fields


class WorklistItemSerializer(serializers.ModelSerializer):
    loan = serializers.IntegerField(source="pk", read_only=True)
    customer = WorklistCustomerSerializer(read_only=True)
    delinquency_bucket = NamedChoiceField(
        DelinquencyBucket, "DelinquencyBucketEnum", read_only=True
    )
    follow_up_due_date = serializers.DateField(
        read_only=True, allow_null=True, help_text="Set when a follow-up of yours is due."
    )
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = Loan
        fields = (
            "loan",
            "loan_account_number",
            "customer",
            "outstanding_amount",
            "overdue_amount",
            "overdue_since",
            "days_past_due",
            "delinquency_bucket",
            "next_follow_up_date",
            "follow_up_due_date",
            "reasons",
        )
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=NamedChoiceField(WorklistReason, "WorklistReasonEnum"))
    )
    def get_reasons(self, loan: Loan) -> list[str]:
        reasons = []
        if loan.days_past_due > 0:
            reasons.append(WorklistReason.DELINQUENT)
        if loan.follow_up_due_date is not None:
            reasons.append(WorklistReason.FOLLOW_UP_DUE)
        return reasons
