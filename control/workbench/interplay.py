"""How the rules work together, asked of the engine: a rule that opens nothing, or whose removal changes nothing."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path

import casbin

from access.decisions import Decision, Effect, decide
from access.policy.rules import Rule, RuleSet
from access.policy.store import Policy
from catalog import Catalog
from control.workbench.findings import Finding, Severity
from control.workbench.scope import candidate_cells
from control.workbench.universe import Asker, named_roles

NEVER_MATCHES = ("opens nothing: the engine matches it for no department, purpose and field it names "
                 "(a NOT_SHARED field opens only to a rule naming it exactly with a legal basis; "
                 "a group needs members)")


def policy_with(policy: Policy, rules: Sequence[Rule]) -> Policy:
    """The same model and groupings with only these rules, built as the loader builds the live enforcer."""
    enforcer = casbin.Enforcer(casbin.Enforcer.new_model(text=policy.files["model.conf"]))
    if rules:
        enforcer.add_named_policies("p", [rule.as_policy() for rule in rules])
    if policy.rules.groupings:
        enforcer.add_named_grouping_policies("g", [[g.member, g.group] for g in policy.rules.groupings])
    return replace(policy, rules=RuleSet(tuple(rules), policy.rules.groupings), enforcer=enforcer)


def interplay_findings(policy: Policy, catalog: Catalog, rules_file: Path, skip: Collection[int]) -> list[Finding]:
    """Rules on the lines in `skip` (duplicates, reported as such) are not assessed."""
    assessor = _Assessor(policy, catalog, rules_file)
    return [finding for index, rule in enumerate(policy.rules.rules)
            if rule.line not in skip and (finding := assessor.assess(index, rule)) is not None]


class _Assessor:
    def __init__(self, policy: Policy, catalog: Catalog, rules_file: Path) -> None:
        self._policy = policy
        self._catalog = catalog
        self._rules_file = rules_file
        self._roles = named_roles(policy.rules)
        self._full: dict[tuple[Asker, str, str], Decision] = {}

    def assess(self, index: int, rule: Rule) -> Finding | None:
        policy, catalog = self._policy, self._catalog
        alone = policy_with(policy, [rule])
        without: Policy | None = None
        kept: list[Decision] = []  # what the other rules decide wherever this one matches
        for asker, purpose, field in candidate_cells(rule, policy, catalog, self._roles):
            if decide(alone, catalog, asker.department, asker.roles, purpose, field).effect is Effect.DENY:
                continue
            without = without or policy_with(policy, [r for i, r in enumerate(policy.rules.rules) if i != index])
            bare = decide(without, catalog, asker.department, asker.roles, purpose, field)
            if _outcome(self._decided(asker, purpose, field)) != _outcome(bare):
                return None
            kept.append(bare)
        if not kept:
            return self._finding(rule, Severity.ERROR, "never-matches", NEVER_MATCHES)
        others = ", ".join(f"{self._rules_file}:{line}" for line in self._lines(kept))
        if rule.effect == "mask" and any(d.effect is Effect.CLEAR and self._maskable(d.field) for d in kept):
            return self._finding(rule, Severity.ERROR, "overridden",
                                 f"asks for mask, but the engine clears the same fields for the same callers "
                                 f"by {others}, so this rule masks nothing")
        return self._finding(rule, Severity.WARNING, "redundant",
                             f"changes no decision: every cell it covers is decided the same by {others}")

    def _decided(self, asker: Asker, purpose: str, field: str) -> Decision:
        key = (asker, purpose, field)
        if key not in self._full:
            self._full[key] = decide(self._policy, self._catalog, asker.department, asker.roles, purpose, field)
        return self._full[key]

    def _maskable(self, field: str) -> bool:
        return getattr(self._catalog.governed[field], "mask", None) is not None

    def _lines(self, decisions: list[Decision]) -> list[int]:
        applied = {d.rule for d in decisions}
        return sorted(r.line for r in self._policy.rules.rules if tuple(r.as_policy()) in applied)

    def _finding(self, rule: Rule, severity: Severity, code: str, message: str) -> Finding:
        return Finding(self._rules_file, rule.line, severity, code, message)


def _outcome(decision: Decision) -> tuple[Effect, str | None]:
    return decision.effect, decision.mask
