from django.apps import AppConfig


class KycConfig(AppConfig):
    name = "kyc"
    verbose_name = "KYC and identity verification"

    def ready(self) -> None:
        from accounts import extensions
        from kyc.selectors import kyc_status_by_user, kyc_status_counts
        from kyc.tasks import kyc_code_verified

        extensions.register_kyc_status_provider(kyc_status_by_user)
        extensions.register_kyc_counts_provider(kyc_status_counts)
        extensions.register_otp_verified_listener("kyc_", lambda pk: kyc_code_verified.delay(pk))
