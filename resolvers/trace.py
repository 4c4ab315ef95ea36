"""What one request touched: the departments asked (and how they answered) and the subjects read."""
from __future__ import annotations

OK = "ok"
UNAVAILABLE = "unavailable"


class RequestTrace:
    def __init__(self) -> None:
        self.sources: dict[str, str] = {}
        self.subjects: set[str] = set()

    def source(self, department: str, outcome: str) -> None:
        if self.sources.get(department) != UNAVAILABLE:
            self.sources[department] = outcome
