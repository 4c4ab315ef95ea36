"""Every (department, roles, purpose, field) whose decision differs between two policies."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from access.datums import datum_bound_fields
from access.decisions import DEFAULT_LOOKUP_BUDGET, Decision, decide_governed
from access.policy.store import Policy
from catalog import Catalog
from control.workbench.matrix import cell_text
from control.workbench.scope import candidate_cells
from control.workbench.universe import named_roles

Cell = tuple[str, str, str]  # (department, purpose, field)
Governed = Callable[[Policy, str, tuple[str, ...], str], dict[str, Decision]]


@dataclass(frozen=True)
class Change:
    department: str
    roles: tuple[str, ...]
    purpose: str
    field: str
    old: str | None  # None: the department or purpose does not exist in that policy
    new: str | None


def diff_policies(old: Policy, new: Policy, catalog: Catalog,
                  lookup_budget: int = DEFAULT_LOOKUP_BUDGET) -> list[Change]:
    """Each department alone, then with each role either policy names where that changes differently."""
    if old.version == new.version:  # the same files: the same decisions
        return []
    roles = named_roles(old.rules, new.rules)
    affected = _affected_cells(old, new, catalog, roles)
    decided: dict[tuple[str, str, tuple[str, ...], str], dict[str, Decision]] = {}

    def governed(policy: Policy, department: str, roles: tuple[str, ...], purpose: str) -> dict[str, Decision]:
        key = (policy.version, department, roles, purpose)
        if key not in decided:
            decided[key] = decide_governed(policy, catalog, department, roles, purpose, lookup_budget)
        return decided[key]

    changes = []
    for department in sorted(old.departments.keys() | new.departments.keys()):
        for purpose in sorted(old.purposes.keys() | new.purposes.keys()):
            whole = not _in_both(old, new, department, purpose)
            for field in catalog.governed:
                if affected is None or whole or (department, purpose, field) in affected:
                    changes += _cell_changes(old, new, governed, roles, department, purpose, field)
    return changes


def _cell_changes(old: Policy, new: Policy, governed: Governed, roles: tuple[str, ...], department: str,
                  purpose: str, field: str) -> list[Change]:
    alone = (_decided(old, governed, department, (), purpose, field),
             _decided(new, governed, department, (), purpose, field))
    found = [Change(department, (), purpose, field, *alone)] if alone[0] != alone[1] else []
    for role in roles:
        was, now = (_decided(p, governed, department, (role,), purpose, field) for p in (old, new))
        if was != now and (was, now) != alone:
            found.append(Change(department, (role,), purpose, field, was, now))
    return found


def _decided(policy: Policy, governed: Governed, department: str, roles: tuple[str, ...], purpose: str,
             field: str) -> str | None:
    if department not in policy.departments or purpose not in policy.purposes:
        return None
    return cell_text(governed(policy, department, roles, purpose)[field])


def _in_both(old: Policy, new: Policy, department: str, purpose: str) -> bool:
    return all(department in p.departments and purpose in p.purposes for p in (old, new))


def _affected_cells(old: Policy, new: Policy, catalog: Catalog, roles: tuple[str, ...]) -> set[Cell] | None:
    """The cells the added and removed rules name, and where they name a field bound to a datum, every field bound
    to it for the same caller and purpose; None (every cell) when the model or the groupings change, since then any
    cell may change. Elsewhere the same rules match, so the same decision follows."""
    groupings = [{(g.member, g.group) for g in p.rules.groupings} for p in (old, new)]
    if old.files["model.conf"] != new.files["model.conf"] or groupings[0] != groupings[1]:
        return None
    before, after = ({tuple(r.as_policy()): r for r in p.rules.rules} for p in (old, new))
    cells: set[Cell] = set()
    for policy, rules, others in ((old, before, after), (new, after, before)):
        for key, rule in rules.items():
            if key not in others:
                cells.update((asker.department, purpose, field)
                             for asker, purpose, field in candidate_cells(rule, policy, catalog, roles))
    bound = datum_bound_fields(catalog)
    cells.update((department, purpose, other) for department, purpose, field in list(cells) if field in bound
                 for other in bound)
    return cells
