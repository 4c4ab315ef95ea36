"""The access plan of one request: what the operation selects, decided before anything is fetched."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from access.decisions import Decision, DecisionMap, Effect


class SelectedField(Protocol):
    """A field the operation selects, at its response path (the HTTP face's selection walk gives them)."""

    @property
    def path(self) -> tuple[str, ...]: ...

    @property
    def qualified_name(self) -> str: ...


@dataclass(frozen=True)
class DeniedPath:
    path: tuple[str, ...]
    decision: Decision


@dataclass(frozen=True)
class AccessPlan:
    decisions: DecisionMap
    masked: dict[str, str]
    denied: dict[str, str]
    denied_paths: tuple[DeniedPath, ...]

    def summary(self, purpose_ref: str | None, strict: bool) -> dict[str, Any]:
        return {
            "purpose": self.decisions.purpose,
            "purposeRef": purpose_ref,
            "mode": "strict" if strict else "lenient",
            "policyVersion": self.decisions.policy_version,
            "masked": [{"field": field, "mask": kind} for field, kind in sorted(self.masked.items())],
            "denied": [{"field": field, "reason": reason} for field, reason in sorted(self.denied.items())],
        }


def plan_access(selected: Iterable[SelectedField], decisions: DecisionMap) -> AccessPlan:
    masked: dict[str, str] = {}
    denied: dict[str, str] = {}
    denied_paths: dict[tuple[str, ...], DeniedPath] = {}
    for field in selected:
        decision = decisions.decisions.get(field.qualified_name)
        if decision is None:
            continue
        if decision.effect is Effect.MASK and decision.mask:
            masked[decision.field] = decision.mask
        elif decision.effect is Effect.DENY:
            denied[decision.field] = decision.reason
            denied_paths.setdefault(field.path, DeniedPath(field.path, decision))
    return AccessPlan(decisions, masked, denied, tuple(denied_paths.values()))
