"""`policy check`: a policy directory against the catalog, every finding with its file and line."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from access.decisions import DEFAULT_LOOKUP_BUDGET
from access.policy.assignment import read_assignment
from access.policy.registry import PolicyError, load_departments, load_purposes
from access.policy.rules import ANY, ROLE_PREFIX, RuleSet, read_rules
from access.policy.store import Policy, load_policy
from catalog import Catalog, CatalogError, ShareClass, load_catalog
from control.workbench.datum_findings import datum_findings
from control.workbench.findings import Finding, Severity, refused
from control.workbench.interplay import interplay_findings
from control.workbench.scope import targeted_fields

RESTRICTED = (ShareClass.CONDITIONAL, ShareClass.NOT_SHARED)


@dataclass(frozen=True)
class CheckReport:
    directory: Path
    findings: list[Finding]
    version: str | None  # None when the policy does not load
    engine_checked: bool  # False: the rules' interplay waits until every line loads

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)

    def failed(self, strict: bool) -> bool:
        """Any error fails; with `strict`, any warning too."""
        return bool(self.errors or (strict and self.warnings))


def check_policy(directory: Path, catalog_dir: Path, lookup_budget: int = DEFAULT_LOOKUP_BUDGET) -> CheckReport:
    try:
        departments = load_departments(directory / "departments.csv")
        purposes = load_purposes(directory / "purposes.csv")
    except PolicyError as exc:
        return CheckReport(directory, [refused(directory, exc)], None, False)
    try:
        catalog = load_catalog(departments, catalog_dir)
    except CatalogError as exc:
        return CheckReport(directory, [refused(catalog_dir, exc)], None, False)
    rules_file = directory / "rules.csv"
    try:
        rules, problems = read_rules(rules_file, catalog, departments, purposes)
        _, unassignable = read_assignment(directory / "roles.csv", departments, rules.roles)
    except PolicyError as exc:
        return CheckReport(directory, [refused(directory, exc)], None, False)
    problems += unassignable
    duplicates = _duplicates(rules)
    findings = [refused(directory, problem) for problem in problems]
    findings += [Finding(rules_file, line, Severity.ERROR, "duplicate", f"repeats {rules_file}:{first}")
                 for line, first in duplicates.items()]
    findings += _grants_without_purpose(rules, catalog, rules_file)
    if problems:
        return CheckReport(directory, _ordered(findings), None, False)
    try:
        policy = load_policy(directory, catalog)
    except PolicyError as exc:
        return CheckReport(directory, _ordered([*findings, refused(directory, exc)]), None, False)
    skip = set(duplicates) | set(duplicates.values())
    findings += _unassigned_roles(policy, rules_file)
    findings += interplay_findings(policy, catalog, rules_file, skip)
    findings += datum_findings(policy, catalog, rules_file, lookup_budget)
    return CheckReport(directory, _ordered(findings), policy.version, True)


def _duplicates(rules: RuleSet) -> dict[int, int]:
    """Each line that repeats an earlier rule or grouping (the basis aside), mapped to the earlier line."""
    first: dict[tuple[str, ...], int] = {}
    repeats: dict[int, int] = {}
    lines = [(r.line, ("p", *r.as_policy()[:4])) for r in rules.rules]
    lines += [(g.line, ("g", g.member, g.group)) for g in rules.groupings]
    for line, key in sorted(lines):
        if key in first:
            repeats[line] = first[key]
        else:
            first[key] = line
    return repeats


def _grants_without_purpose(rules: RuleSet, catalog: Catalog, rules_file: Path) -> list[Finding]:
    findings = []
    for rule in rules.rules:
        if rule.purpose != ANY:
            continue
        restricted = [f"{name} ({catalog.governed[name].share.value})" for name in targeted_fields(rule, catalog)
                      if catalog.governed[name].share in RESTRICTED]
        if restricted:
            shown = ", ".join(restricted[:4]) + (f" and {len(restricted) - 4} more" if len(restricted) > 4 else "")
            findings.append(Finding(rules_file, rule.line, Severity.ERROR, "grant-without-purpose",
                                    f"grants {shown} for every purpose ('*'); a grant of a field that is not "
                                    "shared unconditionally must name its purpose"))
    return findings


def _unassigned_roles(policy: Policy, rules_file: Path) -> list[Finding]:
    """Each line naming a role that roles.csv gives no system: no caller holds it, so the line serves nobody."""
    named = [(rule.line, rule.subject) for rule in policy.rules.rules]
    named += [(grouping.line, grouping.member) for grouping in policy.rules.groupings]
    assigned = policy.assignment.assigned
    return [Finding(rules_file, line, Severity.WARNING, "unassigned-role",
                    f"{subject} is given to no system in roles.csv, so no caller holds it")
            for line, subject in named
            if subject.startswith(ROLE_PREFIX) and subject.removeprefix(ROLE_PREFIX) not in assigned]


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (str(f.file), f.line or 0))
