"""Errors a resolver raises about the caller's input (shown as BAD_USER_INPUT)."""


class BadArgument(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
