"""Decision maps: Casbin asked once per (department + roles, purpose, field), then plain dict lookups."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from cachetools import LRUCache

from access.policy.rules import ROLE_PREFIX
from access.policy.store import Policy
from catalog import Catalog, CatalogField, CatalogRelation, ShareClass


class Effect(str, Enum):
    CLEAR = "CLEAR"
    MASK = "MASK"
    DENY = "DENY"


@dataclass(frozen=True)
class Decision:
    field: str
    effect: Effect
    mask: str | None
    reason: str
    rule: tuple[str, ...] | None


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
            allowed, rule = policy.enforcer.enforce_ex(subject, purpose, field, entry.share.value, effect)
            if allowed:
                mask = entry.mask if effect == "mask" and isinstance(entry, CatalogField) else None
                if effect == "mask" and mask is None:
                    return Decision(field, Effect.CLEAR, None, "a mask rule applies but the field has no mask kind",
                                    tuple(rule))
                kind = Effect.CLEAR if effect == "clear" else Effect.MASK
                return Decision(field, kind, mask, _granted_reason(subject, purpose, rule), tuple(rule))
    return Decision(field, Effect.DENY, None, _denied_reason(entry.share, department, purpose), None)


def compile_decisions(policy: Policy, catalog: Catalog, department: str, roles: tuple[str, ...],
                      purpose: str) -> DecisionMap:
    decisions = {name: decide(policy, catalog, department, roles, purpose, name) for name in catalog.governed}
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


class DecisionCache:
    """Compiled maps per (policy version, department, roles, purpose); a new policy version misses."""

    def __init__(self, catalog: Catalog, capacity: int = 512) -> None:
        self._catalog = catalog
        self._maps: LRUCache[tuple[str, str, tuple[str, ...], str], DecisionMap] = LRUCache(capacity)

    def get(self, policy: Policy, department: str, roles: tuple[str, ...], purpose: str) -> DecisionMap:
        key = (policy.version, department, roles, purpose)
        found = self._maps.get(key)
        if found is None:
            found = self._maps[key] = compile_decisions(policy, self._catalog, department, roles, purpose)
        return found
