"""Request shapes and replies of the KYC endpoints (field names of seed 000).

Identity numbers leave only in their stored masked form. Choice fields are
named schema components of their own, so they never collide with other apps'
enums of the same field name.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from kyc.models import (
    RESUBMITTABLE_STATUSES,
    BankAccountType,
    BusinessType,
    Gender,
    KycKind,
    KycStatus,
)
from kyc.selectors import NOT_SUBMITTED, OverallStatus


def _enum_field(name: str, values, *, field=serializers.ChoiceField):
    """A field whose values form the named schema component `name`."""

    @extend_schema_field({"type": "string", "enum": list(values)}, component_name=name)
    class NamedEnumField(field):
        pass

    return NamedEnumField


KindField = _enum_field("KycTypeEnum", KycKind.values, field=serializers.CharField)
StatusField = _enum_field("KycStatusEnum", KycStatus.values, field=serializers.CharField)
DocumentStatusField = _enum_field(
    "KycDocumentStatusEnum", [*KycStatus.values, NOT_SUBMITTED], field=serializers.CharField
)
OverallStatusField = _enum_field(
    "KycOverallStatusEnum",
    [value for value, _ in OverallStatus.choices],
    field=serializers.CharField,
)
GenderField = _enum_field("KycGenderEnum", [*Gender.values, ""])
BusinessTypeField = _enum_field("KycBusinessTypeEnum", BusinessType.values)
AccountTypeField = _enum_field("KycBankAccountTypeEnum", BankAccountType.values)

MASKED = "Masked: only the last characters are shown."


# --- Submissions -------------------------------------------------------------------


class AadhaarSubmitSerializer(serializers.Serializer):
    aadhaar_number = serializers.CharField(max_length=20, help_text="12 digits; spaces allowed.")
    name = serializers.CharField(max_length=200)
    dob = serializers.DateField()
    gender = GenderField(choices=Gender.values, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PanSubmitSerializer(serializers.Serializer):
    pan_number = serializers.CharField(max_length=20, help_text="e.g. ABCPE1234F")
    name = serializers.CharField(max_length=200)
    dob = serializers.DateField()


class BusinessSubmitSerializer(serializers.Serializer):
    business_name = serializers.CharField(max_length=200)
    business_type = BusinessTypeField(choices=BusinessType.values)
    registration_number = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    registration_date = serializers.DateField(required=False, allow_null=True, default=None)
    gst_number = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="GSTIN, optional."
    )
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BankSubmitSerializer(serializers.Serializer):
    account_holder_name = serializers.CharField(max_length=200)
    account_number = serializers.CharField(max_length=30)
    ifsc_code = serializers.CharField(max_length=20)
    bank_name = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        default="",
        help_text="Optional; the bank stored and shown is the one the IFSC directory names.",
    )
    account_type = AccountTypeField(
        choices=BankAccountType.values, required=False, default=BankAccountType.SAVINGS
    )


class SubmitReplySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kyc_type = KindField()
    status = StatusField()
    message = serializers.CharField()
    otp_sent = serializers.BooleanField()
    request_id = serializers.UUIDField(
        help_text="Confirm with POST /api/v1/otp/verify_otp or /api/v1/kyc/verify_otp."
    )
    masked_number = serializers.CharField(allow_null=True, help_text=MASKED)
    review_reason = serializers.CharField(
        allow_null=True,
        help_text="Set when the submission will wait for a person once its code is entered: why.",
    )

    @classmethod
    def reply(cls, submission, message: str) -> dict:
        record = submission.record
        review = submission.expected_review or None
        return {
            "id": record.pk,
            "kyc_type": record.kind,
            "status": record.status,
            "message": f"{message}; it will be reviewed by our team. {review}"
            if review
            else message,
            "otp_sent": True,
            "request_id": submission.challenge.pk,
            "masked_number": record.number_masked or None,
            "review_reason": review,
        }


class BranchSerializer(serializers.Serializer):
    """A branch of the IFSC directory."""

    ifsc = serializers.CharField()
    bank = serializers.CharField()
    branch = serializers.CharField()
    city = serializers.CharField()
    district = serializers.CharField()
    state = serializers.CharField()
    address = serializers.CharField()
    neft = serializers.BooleanField()
    rtgs = serializers.BooleanField()
    imps = serializers.BooleanField()
    upi = serializers.BooleanField()
    payment_systems = serializers.ListField(
        child=serializers.CharField(), help_text="Of NEFT, RTGS, IMPS and UPI, those it takes."
    )


class BankSubmitReplySerializer(SubmitReplySerializer):
    bank_name = serializers.CharField(help_text="The bank the IFSC belongs to.")
    bank_branch = serializers.CharField(help_text="The branch the IFSC names.")
    branch = BranchSerializer(allow_null=True)

    @classmethod
    def reply(cls, submission, message: str, branch=None) -> dict:
        record = submission.record
        return {
            **super().reply(submission, message),
            "bank_name": record.bank_name,
            "bank_branch": record.bank_branch,
            "branch": BranchSerializer(branch).data if branch is not None else None,
        }


class KycVerifyOtpSerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    otp = serializers.CharField(min_length=6, max_length=6)


# --- A person's own status -------------------------------------------------------------


class OwnRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kyc_type = KindField(source="kind")
    status = StatusField()
    submitted_at = serializers.DateTimeField()
    otp_verified = serializers.BooleanField()
    verified_at = serializers.DateTimeField(allow_null=True)
    verification_score = serializers.IntegerField(allow_null=True)
    rejection_reason = serializers.CharField(allow_blank=True)
    review_reason = serializers.SerializerMethodField(
        help_text="While the status is pending_review: why a person has to look at it."
    )
    can_resubmit = serializers.SerializerMethodField()

    def get_review_reason(self, record) -> str | None:
        if record.status != KycStatus.PENDING_REVIEW:
            return None
        return record.review_reason or None

    def get_can_resubmit(self, record) -> bool:
        return record.status in RESUBMITTABLE_STATUSES


class AadhaarStatusSerializer(OwnRecordSerializer):
    aadhaar_number = serializers.CharField(source="number_masked", help_text=MASKED)
    name = serializers.CharField(source="holder_name")


class PanStatusSerializer(OwnRecordSerializer):
    pan_number = serializers.CharField(source="number_masked", help_text=MASKED)
    name = serializers.CharField(source="holder_name")
    holder_type = serializers.CharField(source="pan_holder_type")


class BusinessStatusSerializer(OwnRecordSerializer):
    business_name = serializers.CharField(source="holder_name")
    business_type = serializers.CharField()
    gst_number = serializers.SerializerMethodField(help_text=MASKED)

    def get_gst_number(self, record) -> str | None:
        return record.number_masked or None


class BankStatusSerializer(OwnRecordSerializer):
    account_number = serializers.CharField(source="number_masked", help_text=MASKED)
    account_holder_name = serializers.CharField(source="holder_name")
    ifsc_code = serializers.CharField(source="ifsc")
    bank_name = serializers.CharField()
    bank_branch = serializers.CharField()
    account_type = serializers.CharField()
    branch = serializers.SerializerMethodField(
        help_text="The IFSC's branch in the bank directory; null if the directory dropped it."
    )

    @extend_schema_field(BranchSerializer(allow_null=True))
    def get_branch(self, record) -> dict | None:
        branch = self.context.get("branch")
        return BranchSerializer(branch).data if branch is not None else None


class DocumentSummarySerializer(serializers.Serializer):
    status = DocumentStatusField()
    verification_score = serializers.IntegerField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField(allow_null=True)


class KycStatusSerializer(serializers.Serializer):
    completion_percentage = serializers.IntegerField()
    status = OverallStatusField()
    aadhaar = DocumentSummarySerializer()
    pan = DocumentSummarySerializer()
    business = DocumentSummarySerializer()
    bank = DocumentSummarySerializer()
    overall_score = serializers.IntegerField(allow_null=True)
    next_steps = serializers.ListField(child=serializers.CharField())


# --- Staff -------------------------------------------------------------------------------


class CheckSerializer(serializers.Serializer):
    check = serializers.CharField()
    weight = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)


class PendingKycSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    email = serializers.EmailField(source="user.email", allow_null=True)
    name = serializers.CharField(source="user.name")
    kyc_type = KindField(source="kind")
    document_number = serializers.CharField(source="number_masked", help_text=MASKED)
    status = StatusField()
    submitted_at = serializers.DateTimeField()
    pending_days = serializers.SerializerMethodField()
    otp_verified = serializers.BooleanField()
    verification_score = serializers.IntegerField(allow_null=True)

    def get_pending_days(self, record) -> int:
        return (timezone.now() - record.submitted_at).days


class StaffRecordSerializer(PendingKycSerializer):
    is_current = serializers.BooleanField()
    holder_name = serializers.CharField()
    dob = serializers.DateField(allow_null=True)
    gender = serializers.CharField()
    address = serializers.CharField()
    pan_holder_type = serializers.CharField()
    business_type = serializers.CharField()
    registration_number = serializers.CharField()
    registration_date = serializers.DateField(allow_null=True)
    ifsc_code = serializers.CharField(source="ifsc")
    bank_name = serializers.CharField()
    bank_branch = serializers.CharField()
    account_type = serializers.CharField()
    verification_provider = serializers.CharField()
    verification_checks = CheckSerializer(many=True)
    held_elsewhere = serializers.BooleanField(
        help_text="The number was held by another account when this was submitted."
    )
    verified_at = serializers.DateTimeField(allow_null=True)
    reviewed_by = serializers.IntegerField(source="reviewed_by_id", allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField()
    review_note = serializers.CharField()
    review_reason = serializers.CharField(help_text="What the submitter was told about the review.")


@extend_schema_serializer(many=False)
class KycByStatusPageSerializer(serializers.Serializer):
    """Seed 000 #39: the status asked for, then the usual page of results."""

    status = StatusField()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = StaffRecordSerializer(many=True)


class ApproveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class CountsByStatusSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    pending_review = serializers.IntegerField()
    verified = serializers.IntegerField()
    rejected = serializers.IntegerField()
    resubmission_required = serializers.IntegerField()
    expired = serializers.IntegerField()


class CountsByTypeSerializer(serializers.Serializer):
    aadhaar = CountsByStatusSerializer()
    pan = CountsByStatusSerializer()
    business = CountsByStatusSerializer()
    bank = CountsByStatusSerializer()


class KycReportSerializer(serializers.Serializer):
    total_users = serializers.IntegerField()
    total_submissions = serializers.IntegerField()
    verified = serializers.IntegerField()
    pending = serializers.IntegerField(help_text="Waiting for the code or for review.")
    rejected = serializers.IntegerField(help_text="Rejected or returned for resubmission.")
    verification_rate = serializers.IntegerField(help_text="Verified, as a percentage.")
    average_verification_time = serializers.CharField(allow_null=True)
    average_verification_seconds = serializers.IntegerField(allow_null=True)
    by_status = CountsByStatusSerializer()
    by_type = CountsByTypeSerializer()
    pending_kyc = PendingKycSerializer(many=True, help_text="The oldest open submissions.")
    days = serializers.IntegerField(allow_null=True)
    status = StatusField(allow_null=True)


class ReportQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(required=False, min_value=1, max_value=3650, default=None)
    status = serializers.ChoiceField(choices=KycStatus.values, required=False, default=None)


class PendingQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(required=False, min_value=1, max_value=3650, default=None)
