"""Relations fetched a level at a time, before graphql-core walks the rows.

graphql-core pays for every awaitable it meets (a future, a task, a gather per list). Instead of
one awaitable per parent row, the root resolver awaits one batch per relation per level, attaches
the children to the parent rows, and the relation fields then resolve as plain dict lookups.
Which relations to fetch comes from the operation's selection (fragments and aliases merged).
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from access.selection import SelectedField
from connectors.base import Row, SourceUnavailable
from resolvers.loaders import Loaders
from resolvers.rows import TYPE_KEY, raw_key

CITIZEN_ID_HOLDER = "111"
USCC_HOLDER = "001"

Fetch = Callable[[list[Row], Loaders], Awaitable[list[Any]]]
NamePath = tuple[str, ...]


def _by_key(loader_name: str, key_field: str) -> Fetch:
    hidden = raw_key(key_field)

    async def fetch(rows: list[Row], loaders: Loaders) -> list[Any]:
        keyed = [(index, row[hidden]) for index, row in enumerate(rows) if row[hidden] is not None]
        found = await getattr(loaders, loader_name).load_many([key for _, key in keyed])
        values: list[Any] = [None] * len(rows)
        for (index, _), value in zip(keyed, found, strict=True):
            values[index] = value
        return values

    return fetch


async def _holders(rows: list[Row], loaders: Loaders) -> list[Any]:
    code, code_type = raw_key("holderCode"), raw_key("holderCodeType")
    people = [(i, r[code]) for i, r in enumerate(rows) if r[code_type] == CITIZEN_ID_HOLDER and r[code]]
    entities = [(i, r[code]) for i, r in enumerate(rows) if r[code_type] == USCC_HOLDER and r[code]]
    found_people, found_entities = await asyncio.gather(
        loaders.person_by_id.load_many([key for _, key in people]),
        loaders.entity_by_uscc.load_many([key for _, key in entities]),
    )
    values: list[Any] = [None] * len(rows)
    for keyed, found in ((people, found_people), (entities, found_entities)):
        for (index, _), value in zip(keyed, found, strict=True):
            values[index] = value
    return values


FETCHERS: dict[str, Fetch] = {
    "Person.licences": _by_key("licences_by_holder", "idNumber"),
    "Person.representedEntities": _by_key("entities_by_representative", "idNumber"),
    "LegalEntity.legalRepresentative": _by_key("person_by_id", "legalRepresentativeIdNumber"),
    "LegalEntity.licences": _by_key("licences_by_holder", "uscc"),
    "Licence.holder": _holders,
}


def relations_by_level(selected: Iterable[SelectedField]) -> dict[NamePath, set[str]]:
    """For each level (the path of field names, aliases merged), the relations selected there."""
    name_paths: dict[tuple[str, ...], NamePath] = {}
    levels: dict[NamePath, set[str]] = {}
    for field in selected:
        parent = name_paths.get(field.path[:-1], ())
        name_paths[field.path] = (*parent, field.name)
        if field.qualified_name in FETCHERS:
            levels.setdefault(parent, set()).add(field.qualified_name)
    return levels


async def prefetch(rows: Sequence[Row | None], level: NamePath, levels: dict[NamePath, set[str]],
                   loaders: Loaders, denied: frozenset[str]) -> None:
    """Attach the selected relations to `rows` (in place), then recurse into the children."""
    relations = levels.get(level)
    if not relations:
        return
    present = [row for row in rows if isinstance(row, dict)]
    await asyncio.gather(*(_attach(present, relation, level, levels, loaders, denied) for relation in relations))


async def _attach(rows: list[Row], relation: str, level: NamePath, levels: dict[NamePath, set[str]],
                  loaders: Loaders, denied: frozenset[str]) -> None:
    type_name, _, field = relation.partition(".")
    parents = [row for row in rows if row[TYPE_KEY] == type_name]
    if not parents:
        return
    if relation in denied:
        for row in parents:
            row[field] = None
        return
    try:
        values = await FETCHERS[relation](parents, loaders)
    except SourceUnavailable as exc:
        for row in parents:
            row[field] = exc
        return
    children: list[Row] = []
    for row, value in zip(parents, values, strict=True):
        row[field] = value
        if isinstance(value, list):
            children.extend(value)
        elif isinstance(value, dict):
            children.append(value)
    await prefetch(children, (*level, field), levels, loaders, denied)
