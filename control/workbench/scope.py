"""The cells a rule names in the rule language (README "Policy"); the engine then decides within them."""
from __future__ import annotations

from collections.abc import Iterator

from access.policy.rules import ANY, GROUP_PREFIX, ROLE_PREFIX, Rule
from access.policy.store import Policy
from catalog import Catalog, ShareClass
from control.workbench.universe import Asker, askers

SHARE_CLASSES = frozenset(c.value for c in ShareClass)


def targeted_fields(rule: Rule, catalog: Catalog) -> list[str]:
    """One field, every field of a type (Type.*), or every field of a share class."""
    if rule.target in SHARE_CLASSES:
        return [name for name, entry in catalog.governed.items() if entry.share.value == rule.target]
    if rule.target.endswith(".*"):
        return [name for name in catalog.governed if name.startswith(rule.target[:-1])]
    return [rule.target] if rule.target in catalog.governed else []


def covered_askers(rule: Rule, policy: Policy, roles: tuple[str, ...]) -> list[Asker]:
    """The callers a rule's subject can stand for; group membership as the engine's role manager sees it."""
    if rule.subject == ANY:
        return askers(policy.departments, ())
    if rule.subject.startswith(ROLE_PREFIX):
        return askers(policy.departments, (rule.subject.removeprefix(ROLE_PREFIX),))
    if rule.subject.startswith(GROUP_PREFIX):
        return [asker for asker in askers(policy.departments, roles) if _in_group(policy, asker, rule.subject)]
    return [Asker(rule.subject)]


def candidate_cells(rule: Rule, policy: Policy, catalog: Catalog,
                    roles: tuple[str, ...]) -> Iterator[tuple[Asker, str, str]]:
    purposes = list(policy.purposes) if rule.purpose == ANY else [rule.purpose]
    fields = targeted_fields(rule, catalog)
    for asker in covered_askers(rule, policy, roles):
        for purpose in purposes:
            for field in fields:
                yield asker, purpose, field


def _in_group(policy: Policy, asker: Asker, group: str) -> bool:
    """A department alone by its own membership; a department with a role by the role's (else it repeats)."""
    subjects = [ROLE_PREFIX + role for role in asker.roles] or [asker.department]
    return any(group in policy.enforcer.get_implicit_roles_for_user(subject) for subject in subjects)
