from django.apps import AppConfig


class RechargeConfig(AppConfig):
    name = "recharge"
    verbose_name = "Mobile recharge"
