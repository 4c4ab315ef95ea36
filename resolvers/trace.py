"""What one request touched: the departments asked (and how they answered), the subjects read, and the keys of the
lookups watched (for the lookup budget) with whether each was found."""
from __future__ import annotations

OK = "ok"
UNAVAILABLE = "unavailable"


class RequestTrace:
    def __init__(self) -> None:
        self.sources: dict[str, str] = {}
        self.subjects: set[str] = set()
        # (resource, field looked up) -> each key a department answered for -> whether a row came back
        self.lookups: dict[tuple[str, str], dict[str, bool]] = {}

    def source(self, department: str, outcome: str) -> None:
        if self.sources.get(department) != UNAVAILABLE:
            self.sources[department] = outcome

    def watch(self, resource: str, by: str) -> dict[str, bool]:
        """Keeps the answers to lookups of `resource` by `by` from here on; only watched lookups are kept."""
        return self.lookups.setdefault((resource, by), {})
