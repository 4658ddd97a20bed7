from django.conf import settings
from django.db import models


class UserPreference(models.Model):
    """What a person lets the product send them and do with their data (seed 004)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    email_notification = models.BooleanField(default=True)
    sms_notification = models.BooleanField(default=True)
    marketing_communication = models.BooleanField(default=False)
    recharge_remainders = models.BooleanField(default=True)
    promotional_offers = models.BooleanField(default=False)
    transactional_alerts = models.BooleanField(default=True)
    data_analytics = models.BooleanField(default=True)
    third_party_integrations = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    FIELDS = (
        "email_notification",
        "sms_notification",
        "marketing_communication",
        "recharge_remainders",
        "promotional_offers",
        "transactional_alerts",
        "data_analytics",
        "third_party_integrations",
    )

    def __str__(self) -> str:
        return f"preferences of user {self.user_id}"
