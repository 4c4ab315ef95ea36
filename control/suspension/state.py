"""The suspensions a worker enforces: what it last read from the durable list, checked once per request."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from access.identity.tokens import Caller
from control.suspension.store import Suspension


class CallerSuspended(Exception):
    """The caller's system or department is suspended; the HTTP face answers 403 CALLER_SUSPENDED."""

    def __init__(self, suspension: Suspension) -> None:
        super().__init__(f"{suspension.scope} {suspension.name!r} is suspended from Huitong: {suspension.reason}")
        self.suspension = suspension


class Suspensions:
    def __init__(self) -> None:
        self._systems: dict[str, Suspension] = {}
        self._departments: dict[str, Suspension] = {}
        self.propagation: Literal["off", "connected", "disconnected"] = "off"
        self.last_error: str | None = None

    def replace(self, suspensions: Iterable[Suspension]) -> None:
        listed = list(suspensions)
        self._systems = {s.name: s for s in listed if s.scope == "system"}
        self._departments = {s.name: s for s in listed if s.scope == "department"}

    def check(self, caller: Caller) -> None:
        """CallerSuspended if the caller's system or department is suspended."""
        suspension = self._systems.get(caller.system) or self._departments.get(caller.department)
        if suspension is not None:
            raise CallerSuspended(suspension)

    def status(self) -> dict[str, Any]:
        """The /readyz entry."""
        return {"systems": len(self._systems), "departments": len(self._departments),
                "propagation": self.propagation, "error": self.last_error}
