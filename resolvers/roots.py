"""Root fields: load the rows, then prefetch the selected relations level by level.

Arguments were validated before execution (gateway.arguments); here they are only normalised.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiodataloader import DataLoader
from strawberry.types import Info

from connectors.base import SourceUnavailable
from identifiers import normalize_citizen_id, normalize_licence_id, normalize_uscc
from resolvers.prefetch import prefetch


async def _load_many(info: Info, root: str, loader: DataLoader, keys: list[str],
                     normalize: Callable[[str], str]) -> list[Any]:
    """A source that is down yields one error per item, so other root fields keep their data."""
    try:
        rows = await loader.load_many([normalize(key) for key in keys])
    except SourceUnavailable as exc:
        return [exc] * len(keys)
    await _prefetch(info, root, rows)
    return rows


async def _load_one(info: Info, root: str, loader: DataLoader, key: str, normalize: Callable[[str], str]) -> Any:
    row = await loader.load(normalize(key))
    await _prefetch(info, root, [row])
    return row


async def _prefetch(info: Info, root: str, rows: list[Any]) -> None:
    context = info.context
    await prefetch(rows, (root,), context.relation_levels, context.loaders, context.denied_relations)


async def person(info: Info, idNumber: str) -> Any:
    return await _load_one(info, "person", info.context.loaders.person_by_id, idNumber, normalize_citizen_id)


async def persons(info: Info, idNumbers: list[str]) -> list[Any]:
    return await _load_many(info, "persons", info.context.loaders.person_by_id, idNumbers, normalize_citizen_id)


async def legal_entity(info: Info, uscc: str) -> Any:
    return await _load_one(info, "legalEntity", info.context.loaders.entity_by_uscc, uscc, normalize_uscc)


async def legal_entities(info: Info, usccs: list[str]) -> list[Any]:
    return await _load_many(info, "legalEntities", info.context.loaders.entity_by_uscc, usccs, normalize_uscc)


async def licence(info: Info, licenceId: str) -> Any:
    return await _load_one(info, "licence", info.context.loaders.licence_by_id, licenceId, normalize_licence_id)
