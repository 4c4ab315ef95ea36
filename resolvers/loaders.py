"""Per-request dataloaders: one batch per source per join level, rows masked as they enter."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aiodataloader import DataLoader

from connectors.base import Connector, Row, SourceUnavailable
from resolvers.rows import RowIntake, RowMasker, raw_key
from resolvers.trace import OK, UNAVAILABLE, RequestTrace

JOIN_FIELDS: Mapping[str, tuple[str, ...]] = {
    "Person": ("idNumber",),
    "LegalEntity": ("uscc", "legalRepresentativeIdNumber"),
    "Licence": ("licenceId", "holderCode", "holderCodeType"),
}
SOURCE_OF = {"Person": "population", "LegalEntity": "entity", "Licence": "licence"}
# The subject a row is about: the person, the entity, the licence's holder.
SUBJECT_OF = {"Person": "idNumber", "LegalEntity": "uscc", "Licence": "holderCode"}


async def _fetch(connector: Connector, by: str, keys: list[str], intake: RowIntake, trace: RequestTrace) -> list[Row]:
    try:
        rows = await connector.fetch(by, keys)
    except SourceUnavailable:
        trace.source(connector.department, UNAVAILABLE)
        raise
    trace.source(connector.department, OK)
    return intake(rows)


def _one_per_key(connector: Connector, by: str, intake: RowIntake, trace: RequestTrace) -> Callable:
    async def load(keys: list[str]) -> list[Row | None]:
        rows = await _fetch(connector, by, keys, intake, trace)
        hidden = raw_key(by)
        found = {row[hidden]: row for row in rows}
        return [found.get(key) for key in keys]

    return load


def _many_per_key(connector: Connector, by: str, intake: RowIntake, trace: RequestTrace) -> Callable:
    async def load(keys: list[str]) -> list[list[Row]]:
        rows = await _fetch(connector, by, keys, intake, trace)
        hidden = raw_key(by)
        grouped: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            grouped[row[hidden]].append(row)
        return [grouped.get(key, []) for key in keys]

    return load


class BatchLoader(DataLoader):
    """aiodataloader's batching and cache, with a `load_many` that skips a gather over a future per key.

    Every key still goes through `load` (so loads made in the same tick share one batch and every
    key is cached); the wait is one suspension per batch instead of one callback per key.
    """

    async def load_many(self, keys: Iterable[str]) -> list[Any]:  # type: ignore[override]
        futures = [self.load(key) for key in keys]
        try:
            for future in dict.fromkeys(futures):
                if not future.done():
                    await future
            return [future.result() for future in futures]
        except Exception:
            for future in futures:
                if future.done() and not future.cancelled():
                    future.exception()
            raise


class Loaders:
    def __init__(self, connectors: Mapping[str, Connector], maskers: Mapping[str, RowMasker | None],
                 max_batch_size: int, trace: RequestTrace) -> None:
        def intake(type_name: str) -> RowIntake:
            return RowIntake(type_name, JOIN_FIELDS[type_name], SUBJECT_OF[type_name], maskers.get(type_name),
                             trace.subjects)

        def loader(type_name: str, by: str, many: bool) -> DataLoader:
            build = _many_per_key if many else _one_per_key
            connector = connectors[SOURCE_OF[type_name]]
            return BatchLoader(build(connector, by, intake(type_name), trace), max_batch_size=max_batch_size)

        self.person_by_id = loader("Person", "idNumber", many=False)
        self.entity_by_uscc = loader("LegalEntity", "uscc", many=False)
        self.entities_by_representative = loader("LegalEntity", "legalRepresentativeIdNumber", many=True)
        self.licence_by_id = loader("Licence", "licenceId", many=False)
        self.licences_by_holder = loader("Licence", "holderCode", many=True)

