"""Where the rules give a datum more openly than the datum itself, by a second field or by a combination: what the
gateway tightens, reported at the rule lines involved so that the officers can write it as the rules."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from access.datums import govern_datums
from access.decisions import Decision, decide
from access.policy.store import Policy
from catalog import Catalog
from control.workbench.findings import Finding, Severity
from control.workbench.universe import Asker, askers, named_roles

COMBINATION = "combination"
CARRIER = "carrier-looser-than-datum"


def datum_findings(policy: Policy, catalog: Catalog, rules_file: Path, lookup_budget: int) -> list[Finding]:
    """One warning per rule line, field, purpose and reason, naming the callers it concerns and the other lines."""
    lines = {tuple(rule.as_policy()): rule.line for rule in policy.rules.rules}
    grouped: dict[tuple[int, str, str, str, str], list[Asker]] = defaultdict(list)
    for asker in askers(policy.departments, named_roles(policy.rules)):
        for purpose in policy.purposes:
            by_rules = {name: decide(policy, catalog, asker.department, asker.roles, purpose, name)
                        for name in catalog.governed}
            for name, decision in govern_datums(by_rules, catalog, lookup_budget).items():
                if decision.tightened is not None:
                    line = lines.get(decision.rule or (), 0)
                    combined = decision.tightened.startswith(COMBINATION)
                    others = _related_lines(name, combined, catalog, by_rules, lines) - {line}
                    where = ", ".join(f"{rules_file}:{n}" for n in sorted(others))
                    grouped[(line, name, purpose, decision.tightened, where)].append(asker)
    findings = []
    for (line, name, purpose, why, where), who in sorted(grouped.items()):
        callers = ", ".join(_name(asker) for asker in who[:3]) + (f" and {len(who) - 3} more" if len(who) > 3 else "")
        code = COMBINATION if why.startswith(COMBINATION) else CARRIER
        also = f"; the rules involved: {where}" if where else ""
        findings.append(Finding(rules_file, line or None, Severity.WARNING, code,
                                f"{name} for {callers}, purpose {purpose}, is tightened by {why}{also}. "
                                "The gateway serves the tightened decision; write the rules so"))
    return findings


def _related_lines(name: str, combined: bool, catalog: Catalog, by_rules: dict[str, Decision],
                   lines: dict[tuple[str, ...], int]) -> set[int]:
    """The rule lines deciding the fields bound to `name` through a datum: its datum's authority, and for a
    combination the fields revealing part of it."""
    resource, _, field_name = name.partition(".")
    field = catalog.resource(resource).fields[field_name]
    datums = {carry.datum for carry in field.carries.cases.values()} if field.carries else set()
    if field.reveals is not None:
        datums.add(field.reveals.datum)
    related = {catalog.datums[d].authority for d in datums}
    if combined:
        related |= {f.qualified_name for r in catalog.resources.values() for f in r.fields.values()
                    if f.reveals is not None and f.reveals.datum in datums}
    return {lines[rule] for other in related if (rule := by_rules[other].rule) is not None and rule in lines}


def _name(asker: Asker) -> str:
    return " ".join((asker.department, *(f"role:{role}" for role in asker.roles)))
