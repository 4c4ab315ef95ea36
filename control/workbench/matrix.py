"""Department x field decisions for one purpose, as the engine makes them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from access.decisions import Decision, DecisionMap, compile_decisions
from access.policy.store import Policy
from catalog import Catalog
from control.workbench.universe import require

# (policy, department, roles, purpose) -> the engine's decision map; DecisionCache.compiled fits.
DecisionSource = Callable[[Policy, str, tuple[str, ...], str], DecisionMap]


@dataclass(frozen=True)
class Matrix:
    purpose: str
    roles: tuple[str, ...]
    departments: tuple[str, ...]
    fields: tuple[str, ...]
    cells: dict[tuple[str, str], Decision]  # (department, field)

    def cell(self, department: str, field: str) -> Decision:
        return self.cells[(department, field)]


def decision_matrix(policy: Policy, catalog: Catalog, purpose: str, roles: tuple[str, ...] = (),
                    source: DecisionSource | None = None) -> Matrix:
    require(purpose, policy.purposes, "purpose")
    compiled = source or (lambda p, department, r, pur: compile_decisions(p, catalog, department, r, pur))
    cells = {}
    for department in policy.departments:
        decisions = compiled(policy, department, roles, purpose).decisions
        cells.update({(department, field): decisions[field] for field in catalog.governed})
    return Matrix(purpose, roles, tuple(policy.departments), tuple(catalog.governed), cells)


def cell_text(decision: Decision) -> str:
    """CLEAR, DENY, or MASK with its mask kind: MASK:R4; with the rows a case masks: CLEAR (holderCodeType=111: R1b)."""
    own = f"MASK:{decision.mask}" if decision.mask else "CLEAR" if decision.cases else decision.effect.value
    return own + "".join(f" ({case.switch}={case.value}: {case.mask})" for case in decision.cases)
