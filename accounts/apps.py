from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        from accounts.contracts import KtlContract
        from config import contracts

        contracts.register(KtlContract())
