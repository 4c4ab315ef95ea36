"""The access plan of one request: what the operation selects, decided before anything is fetched."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from access.decisions import CaseMask, Decision, DecisionMap, Effect


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
    masked: dict[str, str]  # field -> the mask kind of every row
    cases: dict[str, tuple[CaseMask, ...]]  # field -> the masks of the rows a case picks (a person's licence number)
    denied: dict[str, str]
    denied_paths: tuple[DeniedPath, ...]
    served: frozenset[str]  # the selected fields not denied

    def summary(self, purpose_ref: str | None, strict: bool) -> dict[str, Any]:
        return {
            "purpose": self.decisions.purpose,
            "purposeRef": purpose_ref,
            "mode": "strict" if strict else "lenient",
            "policyVersion": self.decisions.policy_version,
            "masked": self._masked_summary(),
            "denied": [{"field": field, "reason": reason} for field, reason in sorted(self.denied.items())],
        }

    def _masked_summary(self) -> list[dict[str, Any]]:
        """One entry per masked field, and one per case of a field masked only in some rows; a tightened decision
        says why."""
        out: list[dict[str, Any]] = []
        for field in sorted(self.masked.keys() | self.cases.keys()):
            tightened = self.decisions.decisions[field].tightened
            if field in self.masked:
                out.append({"field": field, "mask": self.masked[field]} | ({"reason": tightened} if tightened else {}))
            out.extend({"field": field, "mask": case.mask, "when": {case.switch: case.value}, "reason": case.reason}
                       for case in self.cases.get(field, ()))
        return out


def plan_access(selected: Iterable[SelectedField], decisions: DecisionMap) -> AccessPlan:
    masked: dict[str, str] = {}
    cases: dict[str, tuple[CaseMask, ...]] = {}
    denied: dict[str, str] = {}
    denied_paths: dict[tuple[str, ...], DeniedPath] = {}
    served: set[str] = set()
    for field in selected:
        decision = decisions.decisions.get(field.qualified_name)
        if decision is None:
            continue
        if decision.effect is not Effect.DENY:
            served.add(decision.field)
        if decision.effect is Effect.MASK:
            if decision.mask:
                masked[decision.field] = decision.mask
            if decision.cases:
                cases[decision.field] = decision.cases
        elif decision.effect is Effect.DENY:
            denied[decision.field] = decision.reason
            denied_paths.setdefault(field.path, DeniedPath(field.path, decision))
    return AccessPlan(decisions, masked, cases, denied, tuple(denied_paths.values()), frozenset(served))
