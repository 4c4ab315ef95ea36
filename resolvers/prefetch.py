"""Relations fetched a level at a time, before the response is built.

graphql-core pays for every awaitable it meets (a future, a task, a gather per list). Instead of
one awaitable per parent row, the root resolver awaits one batch per relation per level, attaches
the children to the parent rows, and the relation fields then resolve as plain dict lookups.
Which relations to fetch comes from the operation's selection (fragments and aliases merged); how
to fetch each is the catalog's (its join keys, or the field that switches between targets).
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from catalog import Catalog, CatalogRelation
from catalog.model import Join
from connectors.base import FetchFailed, Row
from resolvers.loaders import BatchLoader, Loaders
from resolvers.rows import TYPE_KEY, raw_key

NamePath = tuple[str, ...]


class Selected(Protocol):
    """A field an operation selects (the HTTP face's selection walk gives them)."""

    @property
    def path(self) -> tuple[str, ...]: ...

    @property
    def name(self) -> str: ...

    @property
    def qualified_name(self) -> str: ...


def relations_by_level(selected: Iterable[Selected], catalog: Catalog) -> dict[NamePath, set[str]]:
    """For each level (the path of field names, aliases merged), the relations selected there."""
    name_paths: dict[tuple[str, ...], NamePath] = {}
    levels: dict[NamePath, set[str]] = {}
    relations = catalog.relations
    for field in selected:
        parent = name_paths.get(field.path[:-1], ())
        name_paths[field.path] = (*parent, field.name)
        if field.qualified_name in relations:
            levels.setdefault(parent, set()).add(field.qualified_name)
    return levels


class Prefetcher:
    def __init__(self, catalog: Catalog, loaders: Loaders, levels: dict[NamePath, set[str]],
                 denied: frozenset[str]) -> None:
        self._relations = catalog.relations
        self._loaders = loaders
        self._levels = levels
        self._denied = denied

    async def prefetch(self, rows: Sequence[Row | None], level: NamePath) -> None:
        """Attach the selected relations to `rows` (in place), then recurse into the children."""
        relations = self._levels.get(level)
        if not relations:
            return
        present = [row for row in rows if isinstance(row, dict)]
        await asyncio.gather(*(self._attach(present, self._relations[name], level) for name in relations))

    async def _attach(self, rows: list[Row], relation: CatalogRelation, level: NamePath) -> None:
        field = relation.name
        parents = [row for row in rows if row[TYPE_KEY] == relation.resource]
        if not parents:
            return
        if relation.qualified_name in self._denied:
            for row in parents:
                row[field] = None
            return
        try:
            values = await self._fetch(parents, relation)
        except FetchFailed as exc:
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
        await self.prefetch(children, (*level, field))

    async def _fetch(self, rows: list[Row], relation: CatalogRelation) -> list[Any]:
        """Each parent's related row (or rows); None where the parent has no key to join on."""
        switch = raw_key(relation.switch) if relation.switch else None
        keyed: dict[Join, list[tuple[int, str]]] = {}
        for index, row in enumerate(rows):
            join = relation.joins.get(row[switch] if switch else None)
            if join is not None and (key := row[raw_key(join.parent_field)]):
                keyed.setdefault(join, []).append((index, key))
        found = await asyncio.gather(*(self._loader(relation, join).load_many([key for _, key in pairs])
                                       for join, pairs in keyed.items()))
        values: list[Any] = [None] * len(rows)
        for pairs, loaded in zip(keyed.values(), found, strict=True):
            for (index, _), value in zip(pairs, loaded, strict=True):
                values[index] = value
        return values

    def _loader(self, relation: CatalogRelation, join: Join) -> BatchLoader:
        if relation.many:
            return self._loaders.many(join.target, join.target_field, relation.max_per_parent)
        return self._loaders.one(join.target, join.target_field)
