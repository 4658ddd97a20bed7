from django.apps import AppConfig


class LendingConfig(AppConfig):
    name = "lending"
    verbose_name = "Lending and collections"

    def ready(self) -> None:
        from config import contracts
        from lending.contracts import RepaySyncContract

        contracts.register(RepaySyncContract())
