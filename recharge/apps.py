from django.apps import AppConfig


class RechargeConfig(AppConfig):
    name = "recharge"
    verbose_name = "Mobile recharge"

    def ready(self) -> None:
        from accounts import extensions
        from payments import purposes
        from payments.models import PaymentPurpose
        from recharge.services.purchases import RechargePurchase, TopupPurchase

        # Money captured by a provider for a top-up or a recharge is delivered here.
        purposes.register(PaymentPurpose.WALLET_TOPUP, TopupPurchase())
        purposes.register(PaymentPurpose.RECHARGE, RechargePurchase())

        # When accounts announces a new referral (a referee code at registration),
        # the referrer's pending reward is recorded at once; without that hook the
        # periodic settlement and the referee's first recharge record it.
        register = getattr(extensions, "register_referral_listener", None)
        if register is not None:
            from recharge.tasks import referral_settle_task

            register(lambda referee_id: referral_settle_task.delay(referee_id))
