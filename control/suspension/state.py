"""The suspensions a worker enforces: what it last read from the durable list, checked once per request."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from access.identity.tokens import Caller
from control.suspension.store import Suspension, Target


class CallerSuspended(Exception):
    """The caller's system or department is suspended; the HTTP face answers 403 CALLER_SUSPENDED."""

    def __init__(self, suspension: Suspension) -> None:
        super().__init__(f"{suspension.target} is suspended from Huitong: {suspension.reason}")
        self.suspension = suspension


class Suspensions:
    def __init__(self) -> None:
        self._in_force: dict[Target, Suspension] = {}
        self.propagation: Literal["off", "connected", "disconnected"] = "off"
        self.last_error: str | None = None

    def replace(self, suspensions: Iterable[Suspension]) -> None:
        self._in_force = {s.target: s for s in suspensions}

    def check(self, caller: Caller) -> None:
        """CallerSuspended if the caller's system (of its department) or its whole department is suspended."""
        suspension = (self._in_force.get(Target(caller.department, caller.system))
                      or self._in_force.get(Target(caller.department)))
        if suspension is not None:
            raise CallerSuspended(suspension)

    def status(self) -> dict[str, Any]:
        """The /readyz entry."""
        departments = sum(1 for target in self._in_force if target.system is None)
        return {"systems": len(self._in_force) - departments, "departments": departments,
                "propagation": self.propagation, "error": self.last_error}
