"""Rows as they enter from a connector: their subjects counted against the request's cap, tagged with their type,
join keys kept raw, then masked once."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from connectors.base import FetchFailed, Row

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


class TooManySubjects(FetchFailed):
    """Rows that would take the request past its cap of distinct subjects; none of them is used."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} subjects in one request")
        self.limit = limit


class RowIntake:
    def __init__(self, type_name: str, join_fields: Sequence[str], subject_fields: Sequence[SubjectField],
                 mask: RowMasker | None, subjects: set[str], max_subjects: int) -> None:
        self._type_name = type_name
        self._copies = [(field, raw_key(field)) for field in join_fields]
        self._subject_fields = subject_fields
        self._mask = mask
        self._subjects = subjects
        self._max_subjects = max_subjects

    def __call__(self, rows: list[Row]) -> list[Row]:
        type_name, copies, mask = self._type_name, self._copies, self._mask
        new = {row[s.field] for s in self._subject_fields for row in rows
               if row[s.field] and (s.switch is None or row[s.switch] == s.value)} - self._subjects
        if len(self._subjects) + len(new) > self._max_subjects:
            raise TooManySubjects(self._max_subjects)
        self._subjects |= new
        for row in rows:
            row[TYPE_KEY] = type_name
            for field, hidden in copies:
                row[hidden] = row[field]
            if mask is not None:
                mask(row)
        return rows
