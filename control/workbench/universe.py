"""Who the workbench asks about: every department alone, and with each role the rules name."""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from access.policy.rules import RuleSet


class UnknownName(ValueError):
    """A department, purpose or field the policy or catalog does not know; the message is safe to show."""


@dataclass(frozen=True, order=True)
class Asker:
    department: str
    roles: tuple[str, ...] = ()


def named_roles(*rule_sets: RuleSet) -> tuple[str, ...]:
    """The roles the rules speak of, as rule subjects or as group members."""
    return tuple(sorted(frozenset().union(*(rules.roles for rules in rule_sets))))


def askers(departments: Iterable[str], roles: Iterable[str]) -> list[Asker]:
    departments = list(departments)
    return [Asker(d) for d in departments] + [Asker(d, (role,)) for role in roles for d in departments]


def as_roles(roles: Iterable[str]) -> tuple[str, ...]:
    """Roles as a verified token gives them: unique and sorted, so decisions match the live engine's."""
    return tuple(sorted({role.strip() for role in roles if role.strip()}))


def require(name: str, known: Collection[str], what: str) -> str:
    if name not in known:
        raise UnknownName(f"unknown {what} {name!r}; known: {', '.join(sorted(known))}")
    return name
