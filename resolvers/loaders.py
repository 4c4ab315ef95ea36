"""Per-request dataloaders: one batch per source per join level, rows masked as they enter."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Container, Coroutine, Iterable, Mapping
from typing import Any, TypeVar

from aiodataloader import DataLoader

from catalog import Catalog
from connectors.base import Connector, Row, SourceUnavailable
from resolvers.rows import RowIntake, RowMasker, SubjectField, raw_key
from resolvers.trace import OK, UNAVAILABLE, RequestTrace

T = TypeVar("T")
BatchLoad = Callable[[list[str]], Coroutine[Any, Any, list[T]]]  # keys -> one value per key, in their order


async def _fetch(connector: Connector, by: str, keys: list[str], intake: RowIntake, trace: RequestTrace) -> list[Row]:
    try:
        rows = await connector.fetch(by, keys)
    except SourceUnavailable:
        trace.source(connector.department, UNAVAILABLE)
        raise
    trace.source(connector.department, OK)
    return intake(rows)


def _answered(answers: dict[str, bool] | None, keys: list[str], found: Container[str]) -> None:
    if answers is not None:
        answers.update((key, key in found) for key in keys)


def _one_per_key(connector: Connector, by: str, intake: RowIntake, trace: RequestTrace,
                 answers: dict[str, bool] | None) -> BatchLoad[Row | None]:
    async def load(keys: list[str]) -> list[Row | None]:
        rows = await _fetch(connector, by, keys, intake, trace)
        hidden = raw_key(by)
        found = {row[hidden]: row for row in rows}
        _answered(answers, keys, found)
        return [found.get(key) for key in keys]

    return load


def _many_per_key(connector: Connector, by: str, intake: RowIntake, trace: RequestTrace,
                  answers: dict[str, bool] | None) -> BatchLoad[list[Row]]:
    async def load(keys: list[str]) -> list[list[Row]]:
        rows = await _fetch(connector, by, keys, intake, trace)
        hidden = raw_key(by)
        grouped: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            grouped[row[hidden]].append(row)
        _answered(answers, keys, grouped)
        return [grouped.get(key, []) for key in keys]

    return load


class BatchLoader(DataLoader[str, Any]):
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
    """The request's loaders, one per (resource, field looked up, one or many rows per key), made when first asked."""

    def __init__(self, catalog: Catalog, connectors: Mapping[str, Connector], maskers: Mapping[str, RowMasker | None],
                 max_batch_size: int, trace: RequestTrace, served_carriers: Collection[str] = ()) -> None:
        """`served_carriers`: the fields carrying a datum that the answer serves; whom they are about is recorded."""
        self._catalog = catalog
        self._connectors = connectors
        self._maskers = maskers
        self._served_carriers = served_carriers
        self._max_batch_size = max_batch_size
        self._trace = trace
        self._loaders: dict[tuple[str, str, bool], BatchLoader] = {}

    def get(self, resource: str, by: str, many: bool) -> BatchLoader:
        key = (resource, by, many)
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = self._make(resource, by, many)
        return loader

    def _make(self, resource_name: str, by: str, many: bool) -> BatchLoader:
        resource = self._catalog.resource(resource_name)
        intake = RowIntake(resource_name, self._catalog.join_fields[resource_name], self._subject_fields(resource_name),
                           self._maskers.get(resource_name), self._trace.subjects)
        build = _many_per_key if many else _one_per_key
        connector = self._connectors[resource.connector]
        answers = self._trace.lookups.get((resource_name, by))
        return BatchLoader(build(connector, by, intake, self._trace, answers), max_batch_size=self._max_batch_size)

    def _subject_fields(self, resource_name: str) -> tuple[SubjectField, ...]:
        """The row's own subject, and the subject of each datum a served field carries (a representative's ID)."""
        resource = self._catalog.resource(resource_name)
        found = {SubjectField(resource.subject): None}
        for field in resource.fields.values():
            if field.carries is not None and field.qualified_name in self._served_carriers:
                found.update((SubjectField(carry.of, field.carries.switch, value), None)
                             for value, carry in field.carries.cases.items())
        return tuple(found)
