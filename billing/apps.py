from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "ISP billing administration"

    def ready(self) -> None:
        from accounts import extensions
        from billing.selectors import location_info

        extensions.register_location_provider(location_info)
