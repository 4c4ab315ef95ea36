"""Per-request dataloaders: one batch per source per join level, every read within its limits, rows masked as they
enter."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Container, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from aiodataloader import DataLoader

from catalog import Catalog
from connectors.base import PER_KEY, Connector, Row, SourceUnavailable, TooManyRows
from resolvers.rows import RowIntake, RowMasker, SubjectField
from resolvers.trace import OK, UNAVAILABLE, RequestTrace

T = TypeVar("T")
BatchLoad = Callable[[list[str]], Coroutine[Any, Any, list[T]]]  # keys -> one value per key, in their order


@dataclass(frozen=True)
class FetchLimits:
    """What one request may read (README "Query limits")."""
    batch_keys: int  # keys per fetch
    rows: int  # rows per fetch
    subjects: int  # distinct subjects in all


async def _read(connector: Connector, by: str, keys: list[str], limit: int, trace: RequestTrace) -> list[Row]:
    try:
        rows = await connector.fetch(by, keys, limit)
    except SourceUnavailable:
        trace.source(connector.department, UNAVAILABLE)
        raise
    except TooManyRows:
        trace.source(connector.department, OK)  # it answered; its answer is not used
        raise
    trace.source(connector.department, OK)
    return rows


def _answered(answers: dict[str, bool] | None, keys: list[str], found: Container[str]) -> None:
    if answers is not None:
        answers.update((key, key in found) for key in keys)


def _one_per_key(connector: Connector, by: str, intake: RowIntake, trace: RequestTrace,
                 limit: int, answers: dict[str, bool] | None) -> BatchLoad[Row | None]:
    async def load(keys: list[str]) -> list[Row | None]:
        rows = await _read(connector, by, keys, limit, trace)
        found: dict[str, Row] = {}
        for row in rows:
            if found.setdefault(row[by], row) is not row:
                raise TooManyRows(connector.department, 1, PER_KEY)
        _answered(answers, keys, found)
        intake(rows)
        return [found.get(key) for key in keys]

    return load


def _many_per_key(connector: Connector, by: str, intake: RowIntake, trace: RequestTrace, limit: int,
                  per_key: int, answers: dict[str, bool] | None) -> BatchLoad[list[Row]]:
    async def load(keys: list[str]) -> list[list[Row]]:
        rows = await _read(connector, by, keys, limit, trace)
        grouped: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            grouped[row[by]].append(row)
        if any(len(group) > per_key for group in grouped.values()):
            raise TooManyRows(connector.department, per_key, PER_KEY)
        _answered(answers, keys, grouped)
        intake(rows)
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
    """The request's loaders, one per (resource, field looked up, rows per key at most), made when first asked."""

    def __init__(self, catalog: Catalog, connectors: Mapping[str, Connector], maskers: Mapping[str, RowMasker | None],
                 limits: FetchLimits, trace: RequestTrace, served_carriers: Collection[str] = ()) -> None:
        """`served_carriers`: the fields carrying a datum that the answer serves; whom they are about is recorded."""
        self._catalog = catalog
        self._connectors = connectors
        self._maskers = maskers
        self._limits = limits
        self._served_carriers = served_carriers
        self._trace = trace
        self._loaders: dict[tuple[str, str, int | None], BatchLoader] = {}

    def one(self, resource: str, by: str) -> BatchLoader:
        """Loads one row per key (None where there is none); a key with several rows is TooManyRows."""
        return self._get(resource, by, None)

    def many(self, resource: str, by: str, per_key: int) -> BatchLoader:
        """Loads a list of rows per key, at most `per_key` (more is TooManyRows)."""
        return self._get(resource, by, per_key)

    def _get(self, resource: str, by: str, per_key: int | None) -> BatchLoader:
        key = (resource, by, per_key)
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = self._make(resource, by, per_key)
        return loader

    def _make(self, resource_name: str, by: str, per_key: int | None) -> BatchLoader:
        resource = self._catalog.resource(resource_name)
        limits = self._limits
        intake = RowIntake(resource_name, self._catalog.join_fields[resource_name], self._subject_fields(resource_name),
                           self._maskers.get(resource_name), self._trace.subjects, limits.subjects)
        connector = self._connectors[resource.connector]
        answers = self._trace.lookups.get((resource_name, by))
        load = _one_per_key(connector, by, intake, self._trace, limits.rows, answers) if per_key is None else \
            _many_per_key(connector, by, intake, self._trace, limits.rows, per_key, answers)
        return BatchLoader(load, max_batch_size=limits.batch_keys)

    def _subject_fields(self, resource_name: str) -> tuple[SubjectField, ...]:
        """The row's own subject, and the subject of each datum a served field carries (a representative's ID)."""
        resource = self._catalog.resource(resource_name)
        found = {SubjectField(resource.subject): None}
        for field in resource.fields.values():
            if field.carries is not None and field.qualified_name in self._served_carriers:
                found.update((SubjectField(carry.of, field.carries.switch, value), None)
                             for value, carry in field.carries.cases.items())
        return tuple(found)
