"""The rate-limits file: a default per calling system and per department, overrides by name (a system by
`department/system`), the limit per client address on requests that fail authentication (`unauthenticated`,
optional) and the lookup budget (`probes`, optional: every number has a default).

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
from access.identity.tokens import SYSTEM_NAME

SCOPES = ("system", "department")
SCOPE_KEYS = ("default", "overrides")
PROBES = "probes"
UNAUTHENTICATED = "unauthenticated"
PER_ADDRESS = "per-address"
OPTIONAL = (PROBES, UNAUTHENTICATED)
# Enough for a client that retries a refused token a few times a minute; a flood of them is refused after one.
DEFAULT_PER_ADDRESS = "60/minute"


class RateLimitConfigError(Exception):
    """The rate-limits file is wrong; the message names the file and the entry."""


@dataclass(frozen=True)
class Limit:
    scope: str  # "system", "department" or "address"
    key: tuple[str, ...]  # a system: (department, system); a department: (department,); an address: (address,)
    item: RateLimitItem

    @property
    def name(self) -> str:
        return self.key[-1]


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
    system: ScopeLimits  # overrides named `department/system`
    department: ScopeLimits
    probes: ProbeBudgets = ProbeBudgets()
    per_address: tuple[RateLimitItem, ...] = tuple(parse_many(DEFAULT_PER_ADDRESS))

    def applicable(self, system: str, department: str) -> list[Limit]:
        """The caller's system limits first, then its department's: all of them must allow. A system is counted
        within its department: another department's system of the same name has counts of its own."""
        return ([Limit("system", (department, system), item)
                 for item in self.system.items_for(f"{department}/{system}")]
                + [Limit("department", (department,), item) for item in self.department.items_for(department)])

    def for_address(self, address: str) -> list[Limit]:
        """The limits on requests from `address` that fail authentication."""
        return [Limit("address", (address,), item) for item in self.per_address]


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
    if not isinstance(document, dict) or sorted(set(document) - set(OPTIONAL)) != sorted(SCOPES):
        raise RateLimitConfigError(f"{path}: the file must hold exactly the entries {' and '.join(SCOPES)}, "
                                   f"and may hold {' and '.join(OPTIONAL)}")
    system = _scope(path, "system", document["system"], departments)
    department = _scope(path, "department", document["department"], departments)
    return RateLimits(system, department, _probes(path, document.get(PROBES, {})),
                      _per_address(path, document.get(UNAUTHENTICATED, {})))


def _per_address(path: Path, entry: Any) -> tuple[RateLimitItem, ...]:
    if not isinstance(entry, dict) or not set(entry) <= {PER_ADDRESS}:
        raise RateLimitConfigError(f"{path}: {UNAUTHENTICATED}: may hold '{PER_ADDRESS}', nothing else")
    return _items(path, f"{UNAUTHENTICATED}.{PER_ADDRESS}", entry.get(PER_ADDRESS, DEFAULT_PER_ADDRESS))


def _override_problem(scope: str, name: Any, known: Collection[str]) -> str | None:
    """Why `name` cannot be overridden in `scope`: a department of `known`, a system as `department/system`."""
    if not isinstance(name, str) or not name:
        return f"{name!r} is not a {scope} name"
    if scope == "department":
        return None if name in known else "no such department in departments.csv"
    department, _, system = name.partition("/")
    if not system:
        return "name the system with its department, as department/system: a system is one department's"
    if department not in known:
        return f"no such department {department!r} in departments.csv"
    if not SYSTEM_NAME.fullmatch(system):
        return "a system's name is 1 to 128 letters, digits and . _ : @ / -"
    return None


def _scope(path: Path, scope: str, entry: Any, known: Collection[str]) -> ScopeLimits:
    if not isinstance(entry, dict) or "default" not in entry or not set(entry) <= set(SCOPE_KEYS):
        raise RateLimitConfigError(f"{path}: {scope}: must hold 'default' and may hold 'overrides', nothing else")
    overrides = entry.get("overrides") or {}
    if not isinstance(overrides, dict):
        raise RateLimitConfigError(f"{path}: {scope}.overrides: must map names to limits")
    parsed = {}
    for name, value in overrides.items():
        problem = _override_problem(scope, name, known)
        if problem is not None:
            raise RateLimitConfigError(f"{path}: {scope}.overrides.{name}: {problem}")
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
