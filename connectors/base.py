"""What every department connector offers, and how it fails."""
from __future__ import annotations

from collections.abc import Sequence, Sized
from typing import Any, Protocol, TypeVar

Row = dict[str, Any]
Read = TypeVar("Read", bound=Sized)


class FetchFailed(Exception):
    """A read gave no rows to use: the fields it serves are null with an error, the rest of the answer stands."""


class SourceUnavailable(FetchFailed):
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


class TooManyRows(FetchFailed):
    """A read found more rows than it may use, in one fetch or for one key; none of them is used."""

    def __init__(self, department: str, limit: int, per: str) -> None:
        super().__init__(f"{department}: more than {limit} rows for one {per}")
        self.department = department
        self.limit = limit
        self.per = per


PER_FETCH = "fetch"
PER_KEY = "key"


def at_most(rows: Read, limit: int, department: str) -> Read:
    """`rows`, read with a limit of `limit + 1`; TooManyRows if the source had more than `limit`."""
    if len(rows) > limit:
        raise TooManyRows(department, limit, PER_FETCH)
    return rows


class Connector(Protocol):
    department: str

    async def fetch(self, by: str, keys: Sequence[str], limit: int) -> list[Row]:
        """Rows (keyed by GraphQL field names) whose field `by` is one of `keys`, in one round trip; TooManyRows
        when there are more than `limit`, found by asking the source for one more and never reading the rest."""
        ...

    async def ping(self) -> None:
        """Raise SourceUnavailable unless the department answers."""
        ...

    async def close(self) -> None: ...
