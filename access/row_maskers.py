"""One row masker per object type for a request: the selected MASK and DENY fields, applied on intake."""
from __future__ import annotations

from datetime import date

from cachetools import LRUCache

from access.masking import MaskContext, RowMasker, build_row_masker
from access.plan import AccessPlan


def token_domain(department: str, purpose: str) -> str:
    return f"{department}/{purpose}"


# policy version, department, roles, purpose, day, masked fields with their kinds, fields masked by case, denied fields
_Key = tuple[str, str, tuple[str, ...], str, date, frozenset[tuple[str, str]], frozenset[str], frozenset[str]]


class RowMaskerCache:
    """Fields nobody selected are never output, so they are not masked either."""

    def __init__(self, type_names: tuple[str, ...], token_key: bytes, capacity: int = 1024) -> None:
        self._type_names = type_names
        self._token_key = token_key
        self._cache: LRUCache[_Key, dict[str, RowMasker | None]] = LRUCache(capacity)

    def get(self, plan: AccessPlan, today: date) -> dict[str, RowMasker | None]:
        decisions = plan.decisions
        key = (decisions.policy_version, decisions.department, decisions.roles, decisions.purpose, today,
               frozenset(plan.masked.items()), frozenset(plan.cases), frozenset(plan.denied))
        found = self._cache.get(key)
        if found is not None:
            return found
        context = MaskContext(self._token_key, token_domain(decisions.department, decisions.purpose), today)
        maskers: dict[str, RowMasker | None] = {}
        for type_name in self._type_names:
            prefix = type_name + "."
            masked = {name[len(prefix):]: kind for name, kind in plan.masked.items() if name.startswith(prefix)}
            cases = {name[len(prefix):]: (found[0].switch, {case.value: case.mask for case in found})
                     for name, found in plan.cases.items() if name.startswith(prefix)}
            denied = {name[len(prefix):] for name in plan.denied if name.startswith(prefix)}
            maskers[type_name] = build_row_masker(masked, denied, context, cases) if masked or cases or denied \
                else None
        self._cache[key] = maskers
        return maskers
