"""Rows as they enter from a connector: tagged with their type, join keys kept raw, then masked once."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from connectors.base import Row

TYPE_KEY = "_type"
RowMasker = Callable[[Row], None]


@dataclass(frozen=True)
class SubjectField:
    """A field naming whom a row reveals something about: always, or when the row's `switch` field holds `value`."""
    field: str
    switch: str | None = None
    value: str | None = None


def raw_key(field: str) -> str:
    """Where a row keeps the unmasked value of a join key; never a GraphQL field name."""
    return "@" + field


class RowIntake:
    def __init__(self, type_name: str, join_fields: Sequence[str], subject_fields: Sequence[SubjectField],
                 mask: RowMasker | None, subjects: set[str]) -> None:
        self._type_name = type_name
        self._copies = [(field, raw_key(field)) for field in join_fields]
        self._subject_fields = subject_fields
        self._mask = mask
        self._subjects = subjects

    def __call__(self, rows: list[Row]) -> list[Row]:
        type_name, copies, mask = self._type_name, self._copies, self._mask
        for subject in self._subject_fields:
            field, switch, value = subject.field, subject.switch, subject.value
            self._subjects.update(row[field] for row in rows if row[field] and (switch is None or row[switch] == value))
        for row in rows:
            row[TYPE_KEY] = type_name
            for field, hidden in copies:
                row[hidden] = row[field]
            if mask is not None:
                mask(row)
        return rows
