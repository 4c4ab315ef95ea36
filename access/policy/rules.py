"""rules.csv: read with line numbers and refused whole if any line is wrong."""
from __future__ import annotations

import csv
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from access.policy.registry import PolicyError, read_policy_file
from catalog import Catalog, CatalogField, CatalogRelation, ShareClass

EFFECTS = frozenset({"clear", "mask"})
ROLE_PREFIX = "role:"
GROUP_PREFIX = "group:"
ANY = "*"

Governed = Mapping[str, CatalogField | CatalogRelation]  # Catalog.governed


@dataclass(frozen=True)
class Rule:
    line: int
    subject: str
    purpose: str
    target: str
    effect: str
    basis: str

    def as_policy(self) -> list[str]:
        return [self.subject, self.purpose, self.target, self.effect, self.basis]


@dataclass(frozen=True)
class Grouping:
    line: int
    member: str
    group: str


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    groupings: tuple[Grouping, ...]

    @cached_property
    def roles(self) -> frozenset[str]:
        """The roles the rules speak of, as rule subjects or as group members: the only roles that decide a field."""
        subjects = (*(rule.subject for rule in self.rules), *(grouping.member for grouping in self.groupings))
        return frozenset(s.removeprefix(ROLE_PREFIX) for s in subjects if s.startswith(ROLE_PREFIX))


def read_rules(path: Path, catalog: Catalog, departments: Collection[str],
               purposes: Collection[str]) -> tuple[RuleSet, list[PolicyError]]:
    """Every line read: the good ones as rules and groupings, each wrong one as a problem naming its line."""
    return scan_rules(read_policy_file(path), catalog, departments, purposes, path.name)


def parse_rules(text: str, catalog: Catalog, departments: Collection[str], purposes: Collection[str],
                name: str = "rules.csv") -> RuleSet:
    """The rules in `text` (the content of the file `name`); the first wrong line refuses them all."""
    rules, problems = scan_rules(text, catalog, departments, purposes, name)
    if problems:
        raise problems[0]
    return rules


def scan_rules(text: str, catalog: Catalog, departments: Collection[str], purposes: Collection[str],
               name: str = "rules.csv") -> tuple[RuleSet, list[PolicyError]]:
    """Every line of `text` read, as `read_rules` does for a file."""
    rules: list[Rule] = []
    groupings: list[Grouping] = []
    problems: list[PolicyError] = []
    governed = catalog.governed
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{name}:{number}"
        cells = [cell.strip() for cell in next(csv.reader([line], skipinitialspace=True))]
        kind = cells[0]
        try:
            if kind == "p":
                rules.append(_rule(cells, number, where, governed, departments, purposes))
            elif kind == "g":
                groupings.append(_grouping(cells, number, where, departments))
            else:
                raise PolicyError(f"{where}: a line starts with 'p' (a rule) or 'g' (a grouping), not {kind!r}")
        except PolicyError as problem:
            problems.append(problem)
    return RuleSet(tuple(rules), tuple(groupings)), problems


def _rule(cells: list[str], number: int, where: str, governed: Governed, departments: Collection[str],
          purposes: Collection[str]) -> Rule:
    if len(cells) not in (5, 6):
        raise PolicyError(f"{where}: a rule is 'p, subject, purpose, field, effect, basis' "
                          f"({len(cells) - 1} values given)")
    subject, purpose, target, effect = cells[1:5]
    basis = cells[5] if len(cells) == 6 else ""
    _check_subject(subject, where, departments)
    if purpose != ANY and purpose not in purposes:
        raise PolicyError(f"{where}: unknown purpose {purpose!r}")
    if effect not in EFFECTS:
        raise PolicyError(f"{where}: effect {effect!r} must be one of {sorted(EFFECTS)}")
    _check_target(target, where, governed)
    entry = governed.get(target)
    if entry is not None and entry.share is ShareClass.NOT_SHARED and not basis:
        raise PolicyError(f"{where}: {target} is NOT_SHARED; a rule opening it must state its legal basis")
    return Rule(number, subject, purpose, target, effect, basis)


def _grouping(cells: list[str], number: int, where: str, departments: Collection[str]) -> Grouping:
    if len(cells) != 3:
        raise PolicyError(f"{where}: a grouping is 'g, member, group'")
    member, group = cells[1:3]
    _check_subject(member, where, departments)
    if not group.startswith(GROUP_PREFIX) or len(group) == len(GROUP_PREFIX):
        raise PolicyError(f"{where}: a group is written 'group:<name>', not {group!r}")
    return Grouping(number, member, group)


def _check_subject(subject: str, where: str, departments: Collection[str]) -> None:
    if subject == ANY or subject in departments:
        return
    for prefix in (ROLE_PREFIX, GROUP_PREFIX):
        if subject.startswith(prefix) and len(subject) > len(prefix):
            return
    raise PolicyError(f"{where}: unknown department {subject!r} "
                      "(write a department code, 'role:<name>' or 'group:<name>')")


def _check_target(target: str, where: str, governed: Governed) -> None:
    if target in {c.value for c in ShareClass} or target in governed:
        return
    if target.endswith(".*") and any(name.startswith(target[:-1]) for name in governed):
        return
    raise PolicyError(f"{where}: unknown field {target!r} (write Type.field, Type.* or a share class)")
