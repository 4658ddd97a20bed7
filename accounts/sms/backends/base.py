class BaseSmsBackend:
    """Subclasses deliver messages; a provider's backend is configured through settings."""

    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        self.fail_silently = fail_silently

    def send_messages(self, messages) -> int:
        raise NotImplementedError
