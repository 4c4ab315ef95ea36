"""Per-request dataloaders: one batch per source per join level, rows masked as they enter."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

from aiodataloader import DataLoader

from connectors.base import Connector, Row
from resolvers.rows import RowIntake, RowMasker, raw_key

JOIN_FIELDS: Mapping[str, tuple[str, ...]] = {
    "Person": ("idNumber",),
    "LegalEntity": ("uscc", "legalRepresentativeIdNumber"),
    "Licence": ("licenceId", "holderCode", "holderCodeType"),
}
SOURCE_OF = {"Person": "population", "LegalEntity": "entity", "Licence": "licence"}


def _one_per_key(connector: Connector, by: str, intake: RowIntake) -> Callable:
    async def load(keys: list[str]) -> list[Row | None]:
        rows = intake(await connector.fetch(by, keys))
        hidden = raw_key(by)
        found = {row[hidden]: row for row in rows}
        return [found.get(key) for key in keys]

    return load


def _many_per_key(connector: Connector, by: str, intake: RowIntake) -> Callable:
    async def load(keys: list[str]) -> list[list[Row]]:
        rows = intake(await connector.fetch(by, keys))
        hidden = raw_key(by)
        grouped: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            grouped[row[hidden]].append(row)
        return [grouped.get(key, []) for key in keys]

    return load


class Loaders:
    def __init__(self, connectors: Mapping[str, Connector], maskers: Mapping[str, RowMasker | None],
                 max_batch_size: int) -> None:
        def intake(type_name: str) -> RowIntake:
            return RowIntake(type_name, JOIN_FIELDS[type_name], maskers.get(type_name))

        def loader(type_name: str, by: str, many: bool) -> DataLoader:
            build = _many_per_key if many else _one_per_key
            connector = connectors[SOURCE_OF[type_name]]
            return DataLoader(build(connector, by, intake(type_name)), max_batch_size=max_batch_size)

        self.person_by_id = loader("Person", "idNumber", many=False)
        self.entity_by_uscc = loader("LegalEntity", "uscc", many=False)
        self.entities_by_representative = loader("LegalEntity", "legalRepresentativeIdNumber", many=True)
        self.licence_by_id = loader("Licence", "licenceId", many=False)
        self.licences_by_holder = loader("Licence", "holderCode", many=True)

