"""Decision maps: Casbin asked once per (department + roles, purpose, field), then plain dict lookups."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from access.datums import govern_datums
from access.effects import CaseMask, Decision, Effect
from access.policy.rules import ROLE_PREFIX
from access.policy.store import Policy
from catalog import Catalog, CatalogField, CatalogRelation, ShareClass

__all__ = ["CaseMask", "Decision", "DecisionMap", "Effect", "compile_decisions", "decide", "decide_governed"]

DEFAULT_LOOKUP_BUDGET = 200  # failed lookups a department may make in a day (rate-limits.yaml `probes`)
# Casbin parses its matcher (ast.parse) on each call, and CPython 3.11 before 3.11.8 corrupts the AST constructor's
# state when two threads parse at once (SystemError, python/cpython#106905); the served maps are compiled in one worker
# thread (access.decision_cache) while the workbench's diff, matrix and explanations run in others. The lock keeps
# Casbin's calls apart; a call that met another parser (an import, a library) is asked again.
_ENGINE = threading.Lock()
AST_COLLISION = "AST constructor recursion depth mismatch"
ENGINE_ATTEMPTS = 3


@dataclass(frozen=True)
class DecisionMap:
    policy_version: str
    department: str
    roles: tuple[str, ...]
    purpose: str
    decisions: dict[str, Decision]
    denied_relations: frozenset[str]


def decide(policy: Policy, catalog: Catalog, department: str, roles: tuple[str, ...], purpose: str,
           field: str) -> Decision:
    entry = catalog.governed[field]
    subjects = (department, *(ROLE_PREFIX + role for role in roles))
    for effect in ("clear", "mask"):
        for subject in subjects:
            allowed, rule = _enforce(policy, subject, purpose, field, entry.share.value, effect)
            if allowed:
                mask = entry.mask if effect == "mask" and isinstance(entry, CatalogField) else None
                if effect == "mask" and mask is None:
                    return Decision(field, Effect.CLEAR, None, "a mask rule applies but the field has no mask kind",
                                    tuple(rule))
                kind = Effect.CLEAR if effect == "clear" else Effect.MASK
                return Decision(field, kind, mask, _granted_reason(subject, purpose, rule), tuple(rule))
    return Decision(field, Effect.DENY, None, _denied_reason(entry.share, department, purpose), None)


def _enforce(policy: Policy, *request: str) -> tuple[bool, list[str]]:
    attempt = 1
    while True:
        try:
            with _ENGINE:
                allowed, rule = policy.enforcer.enforce_ex(*request)
            return allowed, rule
        except SystemError as error:
            if AST_COLLISION not in str(error) or attempt == ENGINE_ATTEMPTS:
                raise
            attempt += 1


def decide_governed(policy: Policy, catalog: Catalog, department: str, roles: tuple[str, ...], purpose: str,
                    lookup_budget: int) -> dict[str, Decision]:
    """Every governed field decided by the rules, then held to its datum (`access.datums`)."""
    by_rules = {name: decide(policy, catalog, department, roles, purpose, name) for name in catalog.governed}
    return govern_datums(by_rules, catalog, lookup_budget)


def compile_decisions(policy: Policy, catalog: Catalog, department: str, roles: tuple[str, ...],
                      purpose: str, lookup_budget: int = DEFAULT_LOOKUP_BUDGET) -> DecisionMap:
    decisions = decide_governed(policy, catalog, department, roles, purpose, lookup_budget)
    denied_relations = frozenset(name for name, decision in decisions.items()
                                 if decision.effect is Effect.DENY
                                 and isinstance(catalog.governed[name], CatalogRelation))
    return DecisionMap(policy.version, department, roles, purpose, decisions, denied_relations)


def _granted_reason(subject: str, purpose: str, rule: list[str]) -> str:
    who, for_purpose, target, effect = rule[:4]
    return f"rule '{who}, {for_purpose}, {target}, {effect}' applies to {subject} for {purpose}"


def _denied_reason(share: ShareClass, department: str, purpose: str) -> str:
    if share is ShareClass.NOT_SHARED:
        return f"NOT_SHARED field: no rule naming it with a legal basis opens it to {department} for {purpose}"
    if share is ShareClass.CONDITIONAL:
        return f"CONDITIONAL field: no rule grants it to {department} for {purpose}"
    return f"no rule shares it with {department} for {purpose}"
