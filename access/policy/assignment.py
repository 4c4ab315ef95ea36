"""roles.csv: the roles each calling system holds, given by the server. A token's `roles` claim counts for nothing.

One role per line, `department,system,role`: the department a code of departments.csv, the system a token's `sub`,
the role one the gateway itself checks (`auditor`, `security-officer`) or one the rules name (`role:<name>`). Read
with line numbers and refused whole if any line is wrong.
"""
from __future__ import annotations

import csv
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from access.identity.tokens import MAX_SYSTEM_NAME
from access.policy.registry import PolicyError, read_policy_file

AUDITOR = "auditor"  # reads the access record (Query.accessRecord)
SECURITY_OFFICER = "security-officer"  # the policy workbench's page (/admin/policy/api/*)
GATEWAY_ROLES = frozenset({AUDITOR, SECURITY_OFFICER})
HEADER = ["department", "system", "role"]


@dataclass(frozen=True)
class RoleAssignment:
    roles: Mapping[tuple[str, str], tuple[str, ...]]  # (department, system) -> its roles, sorted

    def of(self, department: str, system: str) -> tuple[str, ...]:
        return self.roles.get((department, system), ())

    def role_sets(self, department: str) -> set[tuple[str, ...]]:
        """The role sets the department's systems hold, none (a system the file does not name) included."""
        return {(), *(roles for (of, _), roles in self.roles.items() if of == department)}

    @property
    def assigned(self) -> frozenset[str]:
        return frozenset(role for roles in self.roles.values() for role in roles)


def read_assignment(path: Path, departments: Collection[str],
                    named_roles: Collection[str]) -> tuple[RoleAssignment, list[PolicyError]]:
    """Every line read: the good ones assigned, each wrong one as a problem naming its line."""
    return scan_assignment(read_policy_file(path), departments, named_roles, path.name)


def parse_assignment(text: str, departments: Collection[str], named_roles: Collection[str],
                     name: str = "roles.csv") -> RoleAssignment:
    """The assignment in `text` (the content of the file `name`); the first wrong line refuses it all."""
    assignment, problems = scan_assignment(text, departments, named_roles, name)
    if problems:
        raise problems[0]
    return assignment


def scan_assignment(text: str, departments: Collection[str], named_roles: Collection[str],
                    name: str = "roles.csv") -> tuple[RoleAssignment, list[PolicyError]]:
    """`named_roles`: the roles the rules speak of; with the gateway's own, the only roles there are."""
    known = GATEWAY_ROLES | set(named_roles)
    held: dict[tuple[str, str], set[str]] = {}
    first: dict[tuple[str, str, str], int] = {}
    problems: list[PolicyError] = []
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{name}:{number}"
        cells = [cell.strip() for cell in next(csv.reader([line]))]
        if not header_seen:
            header_seen = True
            if cells != HEADER:
                problems.append(PolicyError(f"{where}: the header must be {','.join(HEADER)}"))
            continue
        try:
            department, system, role = _line(cells, where, departments, known)
        except PolicyError as problem:
            problems.append(problem)
            continue
        if (department, system, role) in first:
            problems.append(PolicyError(f"{where}: repeats {name}:{first[(department, system, role)]}"))
            continue
        first[(department, system, role)] = number
        held.setdefault((department, system), set()).add(role)
    if not header_seen:
        problems.append(PolicyError(f"{name}: the header {','.join(HEADER)} is missing"))
    return RoleAssignment({caller: tuple(sorted(roles)) for caller, roles in held.items()}), problems


def _line(cells: list[str], where: str, departments: Collection[str], known: Collection[str]) -> tuple[str, str, str]:
    if len(cells) != len(HEADER):
        raise PolicyError(f"{where}: a line is 'department, system, role' ({len(cells)} values given)")
    department, system, role = cells
    if department not in departments:
        raise PolicyError(f"{where}: unknown department {department!r}")
    if not 0 < len(system) <= MAX_SYSTEM_NAME or not system.isprintable():
        raise PolicyError(f"{where}: a system is named in 1 to {MAX_SYSTEM_NAME} printable characters, as its "
                          "tokens' 'sub' claim")
    if role not in known:
        raise PolicyError(f"{where}: unknown role {role!r} (the gateway's own are {', '.join(sorted(GATEWAY_ROLES))}; "
                          f"any other must be named by a rule as 'role:{role}')")
    return department, system, role
