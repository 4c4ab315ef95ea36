"""Reads the datums (datums.yaml) and the fields' `carries` and `reveals`, and checks them against the resources."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from catalog.entries import mapping, refuse_unknown_keys, required
from catalog.errors import CatalogError
from catalog.formats import CANDIDATE_COUNTERS
from catalog.mask_kinds import MASK_KIND_SPECS
from catalog.model import Carriage, Carry, CatalogField, Datum, DatumPart, Resource, Reveal, ShareClass

DATUMS_KEY = "datums"
DATUM_KEYS = frozenset({"item", "authority", "length", "format", "parts", "ladder"})
PART_KEYS = frozenset({"positions", "parity_of"})
CARRY_KEYS = frozenset({"datum", "of"})
CARRIAGE_KEYS = frozenset({"switch", "cases"})
REVEAL_KEYS = frozenset({"datum", "part", "ladder"})


def read_datums(raw: dict[str, Any], where: str) -> dict[str, Datum]:
    refuse_unknown_keys(raw, frozenset({DATUMS_KEY}), where)
    return {str(name): _datum(str(name), mapping(entry, f"{where}: {name}"), f"{where}: {name}")
            for name, entry in mapping(raw[DATUMS_KEY], f"{where}: {DATUMS_KEY}").items()}


def _datum(name: str, entry: dict[str, Any], where: str) -> Datum:
    refuse_unknown_keys(entry, DATUM_KEYS, where)
    length = entry.get("length")
    if length is not None and (not isinstance(length, int) or isinstance(length, bool) or length < 1):
        raise CatalogError(f"{where}: length must be a whole number of characters")
    value_format = entry.get("format")
    if value_format is not None and value_format not in CANDIDATE_COUNTERS:
        raise CatalogError(f"{where}: no candidate count for format {value_format!r}; "
                           f"known: {sorted(CANDIDATE_COUNTERS)}")
    parts = {str(part): _part(str(part), mapping(spec, f"{where}: parts.{part}"), length, f"{where}: parts.{part}")
             for part, spec in mapping(entry.get("parts"), f"{where}: parts").items()}
    if not parts:
        raise CatalogError(f"{where}: a datum names its parts")
    return Datum(name=name, item=str(required(entry, "item", where)),
                 authority=str(required(entry, "authority", where)), length=length, format=value_format,
                 parts=parts, ladder=_ladder(entry.get("ladder"), where))


def _part(name: str, entry: dict[str, Any], length: int | None, where: str) -> DatumPart:
    refuse_unknown_keys(entry, PART_KEYS, where)
    positions, parity_of = entry.get("positions"), entry.get("parity_of")
    if length is None:
        if positions is not None or parity_of is not None:
            raise CatalogError(f"{where}: positions belong to a datum with a 'length'")
        return DatumPart(name, None, None)
    if positions is not None:
        if (not isinstance(positions, list) or len(positions) != 2
                or not all(isinstance(p, int) and 1 <= p <= length for p in positions) or positions[0] > positions[1]):
            raise CatalogError(f"{where}: positions are [first, last] within 1..{length}")
        return DatumPart(name, (positions[0], positions[1]), None)
    if not isinstance(parity_of, int) or not 1 <= parity_of <= length:
        raise CatalogError(f"{where}: a part of a fixed-width datum has 'positions' or 'parity_of' (1..{length})")
    return DatumPart(name, None, parity_of)


def _ladder(value: Any, where: str) -> tuple[str, ...]:
    ladder = tuple(str(kind) for kind in (value or ()))
    unknown = [kind for kind in ladder if kind not in MASK_KIND_SPECS]
    if unknown:
        raise CatalogError(f"{where}: unknown mask kind(s) {unknown} in the ladder")
    return ladder


def read_carriage(value: Any, where: str) -> Carriage | None:
    """`{datum, of}`, or `{switch, cases: {value: {datum, of}}}` for a field that carries a datum in some rows."""
    if value is None:
        return None
    entry = mapping(value, where)
    if "switch" not in entry:
        return Carriage(None, {None: _carry(entry, where)})
    refuse_unknown_keys(entry, CARRIAGE_KEYS, where)
    cases: dict[str | None, Carry] = {
        str(case): _carry(mapping(carry, f"{where}: cases.{case}"), f"{where}: cases.{case}")
        for case, carry in mapping(entry.get("cases"), f"{where}: cases").items()}
    if not cases:
        raise CatalogError(f"{where}: a 'switch' needs 'cases'")
    return Carriage(str(entry["switch"]), cases)


def _carry(entry: dict[str, Any], where: str) -> Carry:
    refuse_unknown_keys(entry, CARRY_KEYS, where)
    return Carry(str(required(entry, "datum", where)), str(required(entry, "of", where)))


def read_reveal(value: Any, where: str) -> Reveal | None:
    if value is None:
        return None
    entry = mapping(value, where)
    refuse_unknown_keys(entry, REVEAL_KEYS, where)
    return Reveal(str(required(entry, "datum", where)), str(required(entry, "part", where)),
                  _ladder(entry.get("ladder"), where))


def check_datums(datums: dict[str, Datum], resources: Mapping[str, Resource]) -> dict[str, Datum]:
    """The datums, once every carrier and revealer names a datum and fields that exist; each authority is made a
    carrier of its own datum (of its resource's subject) in `resources`."""
    for datum in datums.values():
        resource_name, _, field_name = datum.authority.partition(".")
        resource = resources.get(resource_name)
        if resource is None or field_name not in resource.fields:
            raise CatalogError(f"datums: {datum.name}: authority {datum.authority!r} is not a catalog field")
        authority = resource.fields[field_name]
        if authority.carries is None:
            own = Carriage(None, {None: Carry(datum.name, resource.subject)})
            resource.fields[field_name] = replace(authority, carries=own)
    for resource in resources.values():
        for field in resource.fields.values():
            where = f"{resource.file}: {field.qualified_name}"
            if field.carries is not None:
                _check_carriage(field.carries, resource, datums, where)
                _check_share(field, resources, datums, where)
            if field.reveals is not None:
                revealed = datums.get(field.reveals.datum)
                if revealed is None or field.reveals.part not in revealed.parts:
                    raise CatalogError(f"{where}: reveals {field.reveals.datum!r} part {field.reveals.part!r}, "
                                       "which the datums do not declare")
    return datums


SHARE_ORDER = (ShareClass.UNCONDITIONAL, ShareClass.CONDITIONAL, ShareClass.NOT_SHARED)


def _check_share(field: CatalogField, resources: Mapping[str, Resource], datums: Mapping[str, Datum],
                 where: str) -> None:
    """A carrier is shared no more openly than its datum's authority (a public disclosure is no exemption)."""
    assert field.carries is not None
    for carry in field.carries.cases.values():
        resource_name, _, field_name = datums[carry.datum].authority.partition(".")
        authority = resources[resource_name].fields[field_name]
        if SHARE_ORDER.index(field.share) < SHARE_ORDER.index(authority.share):
            raise CatalogError(f"{where}: carries the {carry.datum} datum, so it is shared no more openly than its "
                               f"authority {authority.qualified_name} ({authority.share.value}), not "
                               f"{field.share.value}")


def _check_carriage(carriage: Carriage, resource: Resource, datums: Mapping[str, Datum], where: str) -> None:
    if carriage.switch is not None and carriage.switch not in resource.fields:
        raise CatalogError(f"{where}: switch {carriage.switch!r} is not a field of {resource.name}")
    for carry in carriage.cases.values():
        if carry.datum not in datums:
            raise CatalogError(f"{where}: carries unknown datum {carry.datum!r}; known: {sorted(datums)}")
        if carry.of not in resource.fields:
            raise CatalogError(f"{where}: 'of' {carry.of!r} is not a field of {resource.name}")
