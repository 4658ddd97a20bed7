from config.exceptions import DEFAULT_MESSAGES, ApiError


class PayloadTooLarge(ApiError):
    status_code = 413
    default_code = "payload_too_large"
    default_detail = DEFAULT_MESSAGES[413]
