"""The rate-limits file: a default per calling system and per department, overrides by name, and the lookup budget
(`probes`, optional: every number has a default).

Loaded whole or not at all: any mistake names the file and the entry and stops startup, so a bad
edit can never leave a caller without a limit.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml
from limits import RateLimitItem, parse_many

from access.decisions import DEFAULT_LOOKUP_BUDGET

SCOPES = ("system", "department")
SCOPE_KEYS = ("default", "overrides")
PROBES = "probes"


class RateLimitConfigError(Exception):
    """The rate-limits file is wrong; the message names the file and the entry."""


@dataclass(frozen=True)
class Limit:
    scope: str  # "system" or "department"
    name: str
    item: RateLimitItem


@dataclass(frozen=True)
class ScopeLimits:
    default: tuple[RateLimitItem, ...]
    overrides: dict[str, tuple[RateLimitItem, ...]]

    def items_for(self, name: str) -> tuple[RateLimitItem, ...]:
        return self.overrides.get(name, self.default)


@dataclass(frozen=True)
class ProbeBudgets:
    """The lookup budget (README "Rate limits") of a caller that may not see a looked-up key in clear: per local day,
    the keys that fail lookup and the distinct keys found, per department and per (department, system, purpose);
    and the keys one operation may look up. In the file each is named with hyphens: `failed-keys-per-department`."""
    failed_keys_per_department: int = DEFAULT_LOOKUP_BUDGET
    failed_keys_per_system_purpose: int = 100
    subjects_per_department: int = 20_000
    subjects_per_system_purpose: int = 5_000
    keys_per_operation: int = 100

    def daily(self) -> tuple[tuple[str, int], ...]:
        """The four daily budgets with their names in the file, in the order they are checked."""
        return (("failed-keys-per-department", self.failed_keys_per_department),
                ("failed-keys-per-system-purpose", self.failed_keys_per_system_purpose),
                ("subjects-per-department", self.subjects_per_department),
                ("subjects-per-system-purpose", self.subjects_per_system_purpose))


@dataclass(frozen=True)
class RateLimits:
    system: ScopeLimits
    department: ScopeLimits
    probes: ProbeBudgets = ProbeBudgets()

    def applicable(self, system: str, department: str) -> list[Limit]:
        """The caller's system limits first, then its department's: all of them must allow."""
        return ([Limit("system", system, item) for item in self.system.items_for(system)]
                + [Limit("department", department, item) for item in self.department.items_for(department)])


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys; here a repeated key is an error, not a lost limit."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: list[Any] = []
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} appears twice",
                                                        key_node.start_mark)
            seen.append(key)
        return super().construct_mapping(node, deep)


def load_rate_limits(path: Path, departments: Collection[str]) -> RateLimits:
    """Reads the file; department overrides must name departments of `departments`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RateLimitConfigError(f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        document = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader
    except yaml.MarkedYAMLError as exc:
        line = f":{exc.problem_mark.line + 1}" if exc.problem_mark is not None else ""
        raise RateLimitConfigError(f"{path}{line}: not valid YAML ({exc.problem})") from None
    except yaml.YAMLError as exc:
        raise RateLimitConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(document, dict) or sorted(set(document) - {PROBES}) != sorted(SCOPES):
        raise RateLimitConfigError(f"{path}: the file must hold exactly the entries {' and '.join(SCOPES)}, "
                                   f"and may hold {PROBES}")
    system = _scope(path, "system", document["system"], None)
    department = _scope(path, "department", document["department"], departments)
    return RateLimits(system, department, _probes(path, document.get(PROBES, {})))


def _scope(path: Path, scope: str, entry: Any, known: Collection[str] | None) -> ScopeLimits:
    if not isinstance(entry, dict) or "default" not in entry or not set(entry) <= set(SCOPE_KEYS):
        raise RateLimitConfigError(f"{path}: {scope}: must hold 'default' and may hold 'overrides', nothing else")
    overrides = entry.get("overrides") or {}
    if not isinstance(overrides, dict):
        raise RateLimitConfigError(f"{path}: {scope}.overrides: must map names to limits")
    parsed = {}
    for name, value in overrides.items():
        if not isinstance(name, str) or not name:
            raise RateLimitConfigError(f"{path}: {scope}.overrides: {name!r} is not a {scope} name")
        if known is not None and name not in known:
            raise RateLimitConfigError(f"{path}: {scope}.overrides.{name}: no such {scope} in departments.csv")
        parsed[name] = _items(path, f"{scope}.overrides.{name}", value)
    return ScopeLimits(_items(path, f"{scope}.default", entry["default"]), parsed)


def _items(path: Path, where: str, value: Any) -> tuple[RateLimitItem, ...]:
    hint = "write it in `limits` notation, e.g. '600/minute' or '20/second; 600/minute'"
    if not isinstance(value, str):
        raise RateLimitConfigError(f"{path}: {where}: {value!r} is not a limit; {hint}")
    try:
        items = tuple(parse_many(value))
    except ValueError:
        raise RateLimitConfigError(f"{path}: {where}: {value!r} is not a limit; {hint}") from None
    if any(item.amount < 1 for item in items):
        raise RateLimitConfigError(f"{path}: {where}: {value!r} must allow at least 1 request per period")
    return items


def _file_name(field_name: str) -> str:
    return field_name.replace("_", "-")


def _probes(path: Path, entry: Any) -> ProbeBudgets:
    if not isinstance(entry, dict):
        raise RateLimitConfigError(f"{path}: {PROBES}: must map budget names to numbers")
    by_name = {_file_name(field.name): field.name for field in fields(ProbeBudgets)}
    budgets = ProbeBudgets()
    for name, value in entry.items():
        if name not in by_name:
            raise RateLimitConfigError(f"{path}: {PROBES}.{name}: not a budget; the budgets are "
                                       f"{', '.join(by_name)}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise RateLimitConfigError(f"{path}: {PROBES}.{name}: {value!r} must be a whole number, at least 1")
        budgets = replace(budgets, **{by_name[name]: value})
    for counted, department, narrower in (
            ("failed-keys", budgets.failed_keys_per_department, budgets.failed_keys_per_system_purpose),
            ("subjects", budgets.subjects_per_department, budgets.subjects_per_system_purpose)):
        if narrower > department:
            default = "" if f"{counted}-per-system-purpose" in entry else " (its default)"
            raise RateLimitConfigError(f"{path}: {PROBES}.{counted}-per-system-purpose: {narrower}{default} is more "
                                       f"than {counted}-per-department ({department}), which every system shares")
    if budgets.keys_per_operation > budgets.failed_keys_per_system_purpose:
        raise RateLimitConfigError(f"{path}: {PROBES}.keys-per-operation: {budgets.keys_per_operation} is more than "
                                   f"failed-keys-per-system-purpose ({budgets.failed_keys_per_system_purpose}): "
                                   "an operation's keys are reserved against it whole")
    return budgets
