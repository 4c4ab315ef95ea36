"""The departments and purposes a policy speaks of (departments.csv, purposes.csv)."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

CODE = re.compile(r"^[a-z][a-z0-9-]{1,63}$")


class PolicyError(Exception):
    """A policy file is wrong; the message names the file and line."""


@dataclass(frozen=True)
class Purpose:
    code: str
    name: str
    legal_basis: str


def _rows(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"{path.name}: cannot be read ({exc.strerror})") from None
    reader = csv.DictReader(text.splitlines())
    if reader.fieldnames != columns:
        raise PolicyError(f"{path.name}:1: the header must be {','.join(columns)}")
    rows = []
    for row in reader:
        line = reader.line_num
        if None in row or any(row.get(column) in (None, "") for column in columns):
            raise PolicyError(f"{path.name}:{line}: every row needs {', '.join(columns)}")
        rows.append((line, {k: v.strip() for k, v in row.items()}))
    return rows


def _codes(path: Path, rows: list[tuple[int, dict[str, str]]]) -> None:
    seen: set[str] = set()
    for line, row in rows:
        code = row["code"]
        if not CODE.match(code):
            raise PolicyError(f"{path.name}:{line}: code {code!r} must be lower-case letters, digits and '-'")
        if code in seen:
            raise PolicyError(f"{path.name}:{line}: code {code!r} appears twice")
        seen.add(code)


def load_departments(path: Path) -> dict[str, str]:
    rows = _rows(path, ["code", "name"])
    _codes(path, rows)
    return {row["code"]: row["name"] for _, row in rows}


def load_purposes(path: Path) -> dict[str, Purpose]:
    rows = _rows(path, ["code", "name", "legal_basis"])
    _codes(path, rows)
    return {row["code"]: Purpose(row["code"], row["name"], row["legal_basis"]) for _, row in rows}
