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


def read_policy_file(path: Path) -> str:
    """The file's exact text (no newline translation, so its bytes and therefore the policy version are kept)."""
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise PolicyError(f"{path.name}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise PolicyError(f"{path.name}: not UTF-8 text") from None


def _rows(name: str, text: str, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(text.splitlines())
    if reader.fieldnames != columns:
        raise PolicyError(f"{name}:1: the header must be {','.join(columns)}")
    rows = []
    for row in reader:
        line = reader.line_num
        if None in row or any(row.get(column) in (None, "") for column in columns):
            raise PolicyError(f"{name}:{line}: every row needs {', '.join(columns)}")
        rows.append((line, {k: v.strip() for k, v in row.items()}))
    return rows


def _codes(name: str, rows: list[tuple[int, dict[str, str]]]) -> None:
    seen: set[str] = set()
    for line, row in rows:
        code = row["code"]
        if not CODE.match(code):
            raise PolicyError(f"{name}:{line}: code {code!r} must be lower-case letters, digits and '-'")
        if code in seen:
            raise PolicyError(f"{name}:{line}: code {code!r} appears twice")
        seen.add(code)


def parse_departments(text: str, name: str = "departments.csv") -> dict[str, str]:
    rows = _rows(name, text, ["code", "name"])
    _codes(name, rows)
    return {row["code"]: row["name"] for _, row in rows}


def parse_purposes(text: str, name: str = "purposes.csv") -> dict[str, Purpose]:
    rows = _rows(name, text, ["code", "name", "legal_basis"])
    _codes(name, rows)
    return {row["code"]: Purpose(row["code"], row["name"], row["legal_basis"]) for _, row in rows}


def load_departments(path: Path) -> dict[str, str]:
    return parse_departments(read_policy_file(path), path.name)


def load_purposes(path: Path) -> dict[str, Purpose]:
    return parse_purposes(read_policy_file(path), path.name)
