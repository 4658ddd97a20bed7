from django.urls import include, path

from config.routing import OptionalSlashRouter, api_path
from kyc.views import own, reports, staff

app_name = "kyc"

router = OptionalSlashRouter()
router.register("admin/kyc/records", staff.KycReviewViewSet, basename="review")

urlpatterns = [
    # Seed 000 (CredbuzzPay) #8-#16: a person's own KYC
    *api_path("kyc/aadhaar/submit_aadhaar", own.SubmitAadhaarView.as_view(), "submit-aadhaar"),
    *api_path("kyc/aadhaar/get_aadhaar_status", own.AadhaarStatusView.as_view(), "aadhaar-status"),
    *api_path("kyc/pan/submit_pan", own.SubmitPanView.as_view(), "submit-pan"),
    *api_path("kyc/pan/get_pan_status", own.PanStatusView.as_view(), "pan-status"),
    *api_path("kyc/business/submit_business", own.SubmitBusinessView.as_view(), "submit-business"),
    *api_path(
        "kyc/business/get_business_status", own.BusinessStatusView.as_view(), "business-status"
    ),
    *api_path("kyc/bank/submit_bank", own.SubmitBankView.as_view(), "submit-bank"),
    *api_path("kyc/bank/get_bank_status", own.BankStatusView.as_view(), "bank-status"),
    *api_path("kyc/status/get_kyc_status", own.KycStatusView.as_view(), "kyc-status"),
    *api_path("kyc/verify_otp", own.KycVerifyOtpView.as_view(), "verify-otp"),
    # Seed 000 #37-#39: reports
    *api_path("admin/reports/kyc/get_kyc_report", reports.KycReportView.as_view(), "report"),
    *api_path("admin/reports/kyc/get_pending_kyc", reports.PendingKycView.as_view(), "pending"),
    *api_path(
        "admin/reports/kyc/get_kyc_by_status/<str:status>",
        reports.KycByStatusView.as_view(),
        "by-status",
    ),
    # Staff review: list, detail, approve, reject, request_resubmission
    path("", include(router.urls)),
]
