from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The API-wide glue; an app only so that its start-up runs before any request."""

    name = "config"
    verbose_name = "API configuration"

    def ready(self) -> None:
        from config.inputs import enforce_json_scalar_types

        enforce_json_scalar_types()
