"""One datum, one decision. The rules decide field by field; the law protects a datum. So, for one caller and purpose,
whatever the query: no field carrying a datum gives more of it than the datum's authority does, and what the caller
is given, taken together, never narrows a datum it may only see masked to so few candidates that a day's lookup
budget could try them all; where it would, the decision is tightened, by the fewest steps, the datum's first."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from itertools import product

from access.effects import CaseMask, Decision, Effect
from catalog import Catalog, CatalogField
from catalog.formats import CANDIDATE_COUNTERS
from catalog.mask_kinds import KEEP_NOTHING, MASK_KIND_SPECS, KeepEnds, KeepParts
from catalog.model import Datum, DatumPart

SUPPRESSED = "R13"

Units = frozenset[int | str]


def govern_datums(decisions: Mapping[str, Decision], catalog: Catalog, lookup_budget: int) -> dict[str, Decision]:
    """The rules' decisions, tightened where a combination or a carrier would give more of a datum than allowed."""
    governed = dict(decisions)
    for datum in catalog.datums.values():
        governed.update(_hold_combination(governed, catalog, datum, lookup_budget))
    for name, field in catalog.carriers.items():
        if field.carries is not None and not _is_authority(name, catalog):
            governed[name] = _hold_carrier(governed[name], field, catalog, governed)
    return governed


def datum_bound_fields(catalog: Catalog) -> frozenset[str]:
    """The fields whose decisions depend on each other through a datum: authorities, carriers, revealers."""
    return frozenset(name for resource in catalog.resources.values() for name, field in
                     ((f.qualified_name, f) for f in resource.fields.values())
                     if field.carries is not None or field.reveals is not None)


def kept(decision: Decision, datum: Datum) -> Units:
    """What of `datum` a value under `decision` shows: its positions, or its named parts."""
    if decision.effect is Effect.CLEAR:
        return datum.units
    if decision.effect is Effect.DENY or decision.mask is None:
        return frozenset()
    keeps = MASK_KIND_SPECS[decision.mask].keeps
    if isinstance(keeps, KeepEnds) and datum.length is not None:
        return frozenset(keeps.positions(datum.length))
    if isinstance(keeps, KeepParts) and keeps.parts <= datum.parts.keys():
        return frozenset(unit for part in keeps.parts for unit in _part_units(datum.parts[part]))
    return datum.units  # a mask that does not say what it keeps of this datum is taken to keep all of it


def _part_units(part: DatumPart) -> Units:
    if part.positions is not None:
        return frozenset(range(part.positions[0], part.positions[1] + 1))
    return frozenset() if part.parity_of is not None else frozenset({part.name})


@dataclass(frozen=True)
class _Revealed:
    positions: frozenset[int]
    parities: frozenset[int]


def _revealed(decision: Decision, part: DatumPart) -> _Revealed:
    """What a revealing field under `decision` gives of its part of the datum."""
    none = _Revealed(frozenset(), frozenset())
    if decision.effect is Effect.DENY:
        return none
    keeps = MASK_KIND_SPECS[decision.mask].keeps if decision.effect is Effect.MASK and decision.mask else None
    if keeps == KEEP_NOTHING:
        return none
    if part.parity_of is not None:
        return _Revealed(frozenset(), frozenset({part.parity_of}))
    assert part.positions is not None  # a part of a fixed-width datum has positions or a parity
    first, last = part.positions
    if isinstance(keeps, KeepEnds):
        return _Revealed(frozenset(first + offset - 1 for offset in keeps.positions(last - first + 1)), frozenset())
    return _Revealed(frozenset(range(first, last + 1)), frozenset())


def _is_authority(name: str, catalog: Catalog) -> bool:
    return any(datum.authority == name for datum in catalog.datums.values())


# -- combinations ------------------------------------------------------------------------------------------------

def _hold_combination(decisions: Mapping[str, Decision], catalog: Catalog, datum: Datum,
                      budget: int) -> dict[str, Decision]:
    """The authority and revealing fields' decisions, tightened by the fewest steps if together they leave no more
    candidates than `budget`; nothing when they are fine (or the datum is seen in clear anyway)."""
    counter = CANDIDATE_COUNTERS.get(datum.format or "")
    authority = decisions[datum.authority]
    if counter is None or authority.effect is Effect.CLEAR:
        return {}
    revealers = [f for f in _fields(catalog) if f.reveals is not None and f.reveals.datum == datum.name]
    names = [datum.authority, *(f.qualified_name for f in revealers)]
    steps = [_datum_steps(authority, datum), *(_reveal_steps(decisions[f.qualified_name], f, datum) for f in revealers)]

    def left(choice: tuple[Decision, ...]) -> float:
        shown = _Revealed(frozenset(p for p in kept(choice[0], datum) if isinstance(p, int)), frozenset())
        for decision, field in zip(choice[1:], revealers, strict=True):
            assert field.reveals is not None
            more = _revealed(decision, datum.parts[field.reveals.part])
            shown = _Revealed(shown.positions | more.positions, shown.parities | more.parities)
        return counter(shown.positions, shown.parities)

    current = tuple(decisions[name] for name in names)
    found = left(current)
    if found > budget:
        return {}
    for choice in _by_fewest_steps(current, steps):
        if left(choice) > budget:
            because = _combination(names, current, datum, found, budget)
            return {name: _tightened(before, after, because)
                    for name, before, after in zip(names, current, choice, strict=True) if after != before}
    raise AssertionError("denying the datum always leaves more candidates than any budget")


def _fields(catalog: Catalog) -> Iterator[CatalogField]:
    for resource in catalog.resources.values():
        yield from resource.fields.values()


def _datum_steps(decision: Decision, datum: Datum) -> list[Decision]:
    """Stricter decisions for the authority, loosest first: the datum's ladder past what it keeps now, then deny."""
    now = kept(decision, datum)
    stricter = [_masked(decision, kind) for kind in datum.ladder if kept(_masked(decision, kind), datum) < now]
    return [*stricter, _denied(decision)]


def _reveal_steps(decision: Decision, field: CatalogField, datum: Datum) -> list[Decision]:
    """Stricter decisions for a revealing field: its ladder, then deny; none for a field without one (a base item
    shared unconditionally, such as the gender code, is never taken away)."""
    assert field.reveals is not None
    if not field.reveals.ladder or decision.effect is Effect.DENY:
        return []
    part = datum.parts[field.reveals.part]
    now = _revealed(decision, part).positions
    stricter = [_masked(decision, kind) for kind in field.reveals.ladder
                if _revealed(_masked(decision, kind), part).positions < now]
    return [*stricter, _denied(decision)]


def _by_fewest_steps(current: tuple[Decision, ...], steps: list[list[Decision]]) -> Iterator[tuple[Decision, ...]]:
    """Every tightening, the fewest steps first; among equals, the one that moves the datum furthest."""
    ranges = [range(len(options) + 1) for options in steps]
    for depth in sorted(product(*ranges), key=lambda d: (sum(d), -d[0])):
        if sum(depth):
            yield tuple(now if n == 0 else options[n - 1]
                        for now, options, n in zip(current, steps, depth, strict=True))


def _combination(names: list[str], current: tuple[Decision, ...], datum: Datum, left: float, budget: int) -> str:
    given = ", ".join(f"{name} {_shown(decision)}" for name, decision in zip(names, current, strict=True)
                      if decision.effect is not Effect.DENY)
    outcome = f"rebuild the {datum.name} datum" if left < 1.5 else \
        f"leave {left:.0f} candidates for the {datum.name} datum, within a day's lookup budget of {budget}"
    return f"combination: {given} together {outcome}"


# -- carriers ----------------------------------------------------------------------------------------------------

def _hold_carrier(decision: Decision, field: CatalogField, catalog: Catalog,
                  decisions: Mapping[str, Decision]) -> Decision:
    carriage = field.carries
    assert carriage is not None
    if decision.effect is Effect.DENY:
        return decision
    cases: list[CaseMask] = []
    for value, carry in carriage.cases.items():
        datum = catalog.datums[carry.datum]
        limit = decisions[datum.authority]
        if kept(decision, datum) <= kept(limit, datum):
            continue
        because = f"datum: {field.qualified_name} carries the {datum.name} datum, seen through {datum.authority} " \
                  f"{_shown(limit)} by this caller for this purpose"
        if carriage.switch is None:
            return _tightened(decision, replace(limit, field=decision.field), because)
        mask = limit.mask if limit.effect is Effect.MASK and limit.mask else SUPPRESSED
        assert value is not None  # a switched carriage names its cases
        cases.append(CaseMask(carriage.switch, value, mask, because))
    if not cases:
        return decision
    return replace(decision, effect=Effect.MASK, cases=tuple(cases), tightened=cases[0].reason)


# -- decisions ---------------------------------------------------------------------------------------------------

def _masked(decision: Decision, kind: str) -> Decision:
    return replace(decision, effect=Effect.MASK, mask=kind)


def _denied(decision: Decision) -> Decision:
    return replace(decision, effect=Effect.DENY, mask=None)


def _tightened(before: Decision, after: Decision, because: str) -> Decision:
    reason = f"tightened from {_shown(before)}: {because}"
    return replace(after, reason=reason, rule=before.rule, tightened=because)


def _shown(decision: Decision) -> str:
    if decision.effect is Effect.MASK and decision.mask:
        return f"masked {decision.mask}"
    return decision.effect.value.lower()
