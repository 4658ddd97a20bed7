"""The payments app's choice vocabularies, importable without its models."""

from django.db import models


class PaymentPurpose(models.TextChoices):
    """What the money buys; the app that sells it registers a handler (payments.purposes)."""

    WALLET_TOPUP = "wallet_topup", "Wallet top-up"
    RECHARGE = "recharge", "Plan recharge"
