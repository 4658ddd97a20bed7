from django.apps import AppConfig


class RechargeConfig(AppConfig):
    name = "recharge"
    verbose_name = "Mobile recharge"

    def ready(self) -> None:
        from accounts import extensions

        # When accounts announces a new referral (a referee code at registration),
        # the referrer's pending reward is recorded at once; without that hook the
        # periodic settlement and the referee's first recharge record it.
        register = getattr(extensions, "register_referral_listener", None)
        if register is not None:
            from recharge.tasks import referral_settle_task

            register(lambda referee_id: referral_settle_task.delay(referee_id))
