"""What `policy check` reports: a place (file and line), a severity, a code and a message."""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

# The loaders' messages start with "file:line: " or "file: ".
_LOCATED = re.compile(r"(?P<name>[^:\n]+?)(?::(?P<line>\d+))?: (?P<message>.*)", re.DOTALL)


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    file: Path
    line: int | None
    severity: Severity
    code: str
    message: str

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)

    def as_dict(self) -> dict[str, object]:
        return {"file": str(self.file), "line": self.line, "location": self.location,
                "severity": self.severity.value, "code": self.code, "message": self.message}


def refused(directory: Path, problem: Exception) -> Finding:
    """A loader's refusal (PolicyError, CatalogError) as a finding at the place its message names."""
    match = _LOCATED.fullmatch(str(problem))
    if match is None:
        return Finding(directory, None, Severity.ERROR, "invalid", str(problem))
    line = int(match["line"]) if match["line"] else None
    return Finding(directory / match["name"], line, Severity.ERROR, "invalid", match["message"])
