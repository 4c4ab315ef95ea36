"""What every department connector offers, and how it fails."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

Row = dict[str, Any]


class SourceUnavailable(Exception):
    """A department could not answer in time; `department` names it for the caller."""

    # Whether the failure speaks against the department (its circuit breaker counts it).
    department_fault = True

    def __init__(self, department: str, reason: str) -> None:
        super().__init__(f"{department}: {reason}")
        self.department = department
        self.reason = reason


class ConnectionFailed(SourceUnavailable):
    """The connection was refused or dropped: transient, a read may be tried again."""


class PoolExhausted(SourceUnavailable):
    """Every connection Huitong keeps to the department stayed busy: our load, not the department's fault."""

    department_fault = False


class RequestRejected(SourceUnavailable):
    """The department answered, refusing this request: it is up, so its breaker does not count this."""

    department_fault = False


class Connector(Protocol):
    department: str

    async def fetch(self, by: str, keys: Sequence[str]) -> list[Row]:
        """Rows (keyed by GraphQL field names) whose field `by` is one of `keys`, in one round trip."""
        ...

    async def ping(self) -> None:
        """Raise SourceUnavailable unless the department answers."""
        ...

    async def close(self) -> None: ...
