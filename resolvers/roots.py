"""Root fields. Arguments were validated before execution (gateway.arguments); here they are only normalised."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiodataloader import DataLoader
from strawberry.types import Info

from connectors.base import SourceUnavailable
from identifiers import normalize_citizen_id, normalize_licence_id, normalize_uscc


async def _load_many(loader: DataLoader, keys: list[str]) -> list[Any]:
    """A source that is down yields one error per item, so other root fields keep their data."""
    try:
        return await loader.load_many(keys)
    except SourceUnavailable as exc:
        return [exc] * len(keys)


def _normalized(keys: list[str], normalize: Callable[[str], str]) -> list[str]:
    return [normalize(key) for key in keys]


def person(info: Info, idNumber: str) -> Any:
    return info.context.loaders.person_by_id.load(normalize_citizen_id(idNumber))


async def persons(info: Info, idNumbers: list[str]) -> list[Any]:
    return await _load_many(info.context.loaders.person_by_id, _normalized(idNumbers, normalize_citizen_id))


def legal_entity(info: Info, uscc: str) -> Any:
    return info.context.loaders.entity_by_uscc.load(normalize_uscc(uscc))


async def legal_entities(info: Info, usccs: list[str]) -> list[Any]:
    return await _load_many(info.context.loaders.entity_by_uscc, _normalized(usccs, normalize_uscc))


def licence(info: Info, licenceId: str) -> Any:
    return info.context.loaders.licence_by_id.load(normalize_licence_id(licenceId))
