"""Why one cell is decided as it is: the engine's decision, the rule lines behind it and the catalog entry."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

from access.decisions import DEFAULT_LOOKUP_BUDGET, Decision, decide_governed
from access.policy.rules import ANY, ROLE_PREFIX, Grouping, Rule
from access.policy.store import Policy
from catalog import Catalog, CatalogField
from catalog.mask_kinds import MASK_KIND_SPECS
from control.workbench.universe import require


@dataclass(frozen=True)
class RuleLine:
    file: Path
    line: int
    text: str

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class CatalogEntry:
    field: str
    file: str
    item: str | None
    share: str
    basis: str | None
    mask: str | None
    mask_description: str | None
    provider: str


@dataclass(frozen=True)
class Explanation:
    department: str
    roles: tuple[str, ...]
    purpose: str
    purpose_basis: str
    decision: Decision
    rules: tuple[RuleLine, ...]  # every line stating the rule the engine applied
    groupings: tuple[RuleLine, ...]  # the memberships that bring the caller under that rule's group
    catalog: CatalogEntry


def rule_text(rule: Rule) -> str:
    return ", ".join(("p", *rule.as_policy()[:4], *([rule.basis] if rule.basis else [])))


def grouping_text(grouping: Grouping) -> str:
    return f"g, {grouping.member}, {grouping.group}"


def explain(policy: Policy, catalog: Catalog, department: str, roles: tuple[str, ...], purpose: str,
            field: str, rules_file: Path, lookup_budget: int = DEFAULT_LOOKUP_BUDGET) -> Explanation:
    """`rules_file` is how to show where the policy's rules.csv is (a path for the terminal, a bare name on the web).
    The decision is the one the gateway serves: the rules', held to the field's datum (`decision.tightened`)."""
    require(department, policy.departments, "department")
    require(purpose, policy.purposes, "purpose")
    require(field, catalog.governed, "field")
    decision = decide_governed(policy, catalog, department, roles, purpose, lookup_budget)[field]
    applied = [r for r in policy.rules.rules if decision.rule is not None and tuple(r.as_policy()) == decision.rule]
    subjects = (department, *(ROLE_PREFIX + role for role in roles))
    chain = _membership(policy.rules.groupings, subjects, applied[0].subject) if applied else []
    return Explanation(
        department=department, roles=roles, purpose=purpose, purpose_basis=policy.purposes[purpose].legal_basis,
        decision=decision,
        rules=tuple(RuleLine(rules_file, r.line, rule_text(r)) for r in applied),
        groupings=tuple(RuleLine(rules_file, g.line, grouping_text(g)) for g in chain),
        catalog=catalog_entry(catalog, field),
    )


def catalog_entry(catalog: Catalog, field: str) -> CatalogEntry:
    entry = catalog.governed[field]
    resource = catalog.resource(entry.resource)
    if isinstance(entry, CatalogField):
        kind = MASK_KIND_SPECS.get(entry.mask) if entry.mask else None
        return CatalogEntry(field, resource.file, entry.item, entry.share.value, entry.basis, entry.mask,
                            kind.description if kind else None, entry.provider)
    return CatalogEntry(field, resource.file, None, entry.share.value, None, None, None, resource.provider)


def _membership(groupings: tuple[Grouping, ...], subjects: tuple[str, ...], target: str) -> list[Grouping]:
    """The grouping lines leading from one of the caller's subjects to the rule's group (shortest chain)."""
    if target == ANY or target in subjects:
        return []
    queue: deque[tuple[str, list[Grouping]]] = deque((s, []) for s in subjects)
    seen = set(subjects)
    while queue:
        name, path = queue.popleft()
        for grouping in groupings:
            if grouping.member != name or grouping.group in seen:
                continue
            if grouping.group == target:
                return [*path, grouping]
            seen.add(grouping.group)
            queue.append((grouping.group, [*path, grouping]))
    return []
