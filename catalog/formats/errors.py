"""The single error type raised for malformed or inconsistent identifiers."""


class InvalidIdentifier(ValueError):
    """An identifier failed a hard check; ``reason`` says which one, in English."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
