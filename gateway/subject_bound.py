"""The most subjects an operation can read, reckoned from its keys and the relations it selects before any
department is asked (README "Query limits").

A root field reads at most one row per key. A relation reads, for P parent rows, at most
min(P x its `max_per_parent`, fetches x rows per fetch) rows, with one fetch per `batch_keys` parents for each of
its targets: the loaders enforce both caps as rows enter (TOO_MANY_ROWS), so the bound holds. A row is about one
subject, and to the subject of each datum a field of it carries (an entity's representative), each counted unless it
is known to be counted already: at each level, the fields whose every value is a subject counted above (the level's
own subject, and the field joined on a parent's known field). So a person's licences add no subject (the holder code
is the person's ID number) and neither does the representative of an entity reached through the person's represented
entities.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from catalog import Catalog
from gateway.errors import ErrorCode, RequestRefused
from resolvers.loaders import FetchLimits
from resolvers.prefetch import NamePath


@dataclass(frozen=True)
class _Rows:
    """What a level may hold of one resource."""
    count: int
    known: frozenset[str]  # fields whose every value is a subject already counted


def subject_bound(catalog: Catalog, levels: Mapping[NamePath, set[str]], roots: Iterable[tuple[str, int]],
                  limits: FetchLimits) -> int:
    """The subjects read at most by root fields given as (name, number of keys), with the relations at `levels`."""
    total = 0
    for name, keys in roots:
        resource = catalog.resource(catalog.roots[name].resource)
        count = _rows(keys, 1, limits)
        known = frozenset({resource.subject} | _carried(catalog, resource.name))
        total += count * len(known) + _below(catalog, levels, (name,), {resource.name: _Rows(count, known)}, limits)
    return total


def check_subject_bound(catalog: Catalog, levels: Mapping[NamePath, set[str]], roots: Iterable[tuple[str, int]],
                        limits: FetchLimits) -> None:
    bound = subject_bound(catalog, levels, roots, limits)
    if bound > limits.subjects:
        raise RequestRefused.one(400, f"the operation may read up to {bound} subjects (people and entities); at most "
                                      f"{limits.subjects} are allowed in one request", ErrorCode.TOO_MANY_SUBJECTS,
                                 subjects=bound, limit=limits.subjects)


def _carried(catalog: Catalog, resource: str) -> set[str]:
    """The fields of `resource` naming whom a datum it carries is about."""
    return {carry.of for field in catalog.resource(resource).fields.values() if field.carries is not None
            for carry in field.carries.cases.values()}


def _rows(parents: int, per_parent: int, limits: FetchLimits) -> int:
    fetches = -(-parents // limits.batch_keys)
    return min(parents * per_parent, fetches * limits.rows)


def _below(catalog: Catalog, levels: Mapping[NamePath, set[str]], level: NamePath, here: Mapping[str, _Rows],
           limits: FetchLimits) -> int:
    total = 0
    for name in levels.get(level, ()):
        relation = catalog.relations[name]
        parents = here.get(relation.resource)
        if parents is None:
            continue
        children: dict[str, _Rows] = {}
        for join in relation.joins.values():
            subject = catalog.resource(join.target).subject
            count = _rows(parents.count, relation.max_per_parent, limits)
            known = {join.target_field} if join.parent_field in parents.known else set()
            if subject not in known:
                total += count
            known.add(subject)
            carried = _carried(catalog, join.target)
            total += count * len(carried - known)
            known |= carried
            other = children.get(join.target)
            children[join.target] = _Rows(count, frozenset(known)) if other is None else \
                _Rows(other.count + count, other.known & known)
        total += _below(catalog, levels, (*level, relation.name), children, limits)
    return total
