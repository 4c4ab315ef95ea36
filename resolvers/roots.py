"""Root fields: load the rows, then prefetch the selected relations level by level.

Arguments were validated before execution (gateway.arguments); here they are only normalised.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from strawberry.types import Info

from connectors.base import SourceUnavailable
from identifiers import normalize_citizen_id, normalize_licence_id, normalize_uscc
from resolvers.prefetch import prefetch


@dataclass(frozen=True)
class RootField:
    argument: str
    loader: str
    normalize: Callable[[str], str]
    many: bool


ROOT_FIELDS: dict[str, RootField] = {
    "person": RootField("idNumber", "person_by_id", normalize_citizen_id, many=False),
    "persons": RootField("idNumbers", "person_by_id", normalize_citizen_id, many=True),
    "legalEntity": RootField("uscc", "entity_by_uscc", normalize_uscc, many=False),
    "legalEntities": RootField("usccs", "entity_by_uscc", normalize_uscc, many=True),
    "licence": RootField("licenceId", "licence_by_id", normalize_licence_id, many=False),
}


async def load_root(context: Any, name: str, key: str | list[str]) -> Any:
    """The root field's row (or rows, in the order asked) with their relations attached.

    A department that is down gives, for a list, one error per item so other root fields keep
    their data; for a single key, the error itself is raised.
    """
    field = ROOT_FIELDS[name]
    loader = getattr(context.loaders, field.loader)
    if field.many:
        try:
            rows = await loader.load_many([field.normalize(item) for item in key])
        except SourceUnavailable as exc:
            return [exc] * len(key)
    else:
        rows = [await loader.load(field.normalize(key))]
    await prefetch(rows, (name,), context.relation_levels, context.loaders, context.denied_relations)
    return rows if field.many else rows[0]


async def person(info: Info, idNumber: str) -> Any:
    return await load_root(info.context, "person", idNumber)


async def persons(info: Info, idNumbers: list[str]) -> list[Any]:
    return await load_root(info.context, "persons", idNumbers)


async def legal_entity(info: Info, uscc: str) -> Any:
    return await load_root(info.context, "legalEntity", uscc)


async def legal_entities(info: Info, usccs: list[str]) -> list[Any]:
    return await load_root(info.context, "legalEntities", usccs)


async def licence(info: Info, licenceId: str) -> Any:
    return await load_root(info.context, "licence", licenceId)
