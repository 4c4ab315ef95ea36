"""Loaders read within their limits: the row cap goes to the connector, a key with more rows than its cap is refused
before any row enters, and a department that answered is on the trace even when its answer is not used."""
from __future__ import annotations

from collections.abc import Sequence

import pytest

from access.policy.registry import load_departments
from catalog import load_catalog
from connectors.base import PER_KEY, Row, TooManyRows
from resolvers.loaders import FetchLimits, Loaders
from resolvers.rows import TooManySubjects
from resolvers.trace import OK, RequestTrace
from settings import ROOT

CATALOG = load_catalog(load_departments(ROOT / "policy" / "departments.csv"))
LIMITS = FetchLimits(batch_keys=100, rows=50, subjects=10)
PERSON, OTHER = "11010519491231002X", "110105194912310037"


class Licences:
    """The licence department, answering with the rows it is given; it records each read's limit."""

    department = "data-bureau"

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.limits: list[int] = []

    async def fetch(self, by: str, keys: Sequence[str], limit: int) -> list[Row]:
        self.limits.append(limit)
        return [dict(row) for row in self.rows if row[by] in keys]

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


def licence(number: int, holder: str) -> Row:
    row = dict.fromkeys(CATALOG.resource("Licence").fields)
    return {**row, "licenceId": f"licence-{number}", "holderCode": holder, "holderCodeType": "111"}


def loaders(rows: list[Row], limits: FetchLimits = LIMITS) -> tuple[Loaders, Licences, RequestTrace]:
    source, trace = Licences(rows), RequestTrace()
    return Loaders(CATALOG, {"licence": source}, {}, limits, trace), source, trace


async def test_each_fetch_carries_the_row_cap_and_a_key_gets_its_rows() -> None:
    made, source, trace = loaders([licence(1, PERSON), licence(2, PERSON), licence(3, OTHER)])
    found = await made.many("Licence", "holderCode", 2).load_many([PERSON, OTHER])
    assert [[row["licenceId"] for row in rows] for rows in found] == [["licence-1", "licence-2"], ["licence-3"]]
    assert source.limits == [LIMITS.rows]
    assert trace.subjects == {PERSON, OTHER}


async def test_a_key_with_more_rows_than_its_cap_is_refused_before_any_row_enters() -> None:
    made, _, trace = loaders([licence(n, PERSON) for n in range(3)])
    with pytest.raises(TooManyRows) as refused:
        await made.many("Licence", "holderCode", 2).load_many([PERSON])
    assert (refused.value.limit, refused.value.per) == (2, PER_KEY)
    assert trace.subjects == set() and trace.sources == {"data-bureau": OK}


async def test_a_lookup_of_one_row_per_key_refuses_a_key_with_two() -> None:
    made, _, trace = loaders([licence(1, PERSON), {**licence(2, PERSON), "licenceId": "licence-1"}])
    with pytest.raises(TooManyRows) as refused:
        await made.one("Licence", "licenceId").load("licence-1")
    assert (refused.value.limit, refused.value.per) == (1, PER_KEY)
    assert trace.subjects == set()


async def test_rows_past_the_request_s_subjects_cap_are_refused() -> None:
    made, _, trace = loaders([licence(n, f"holder-{n}") for n in range(3)], FetchLimits(100, 50, subjects=2))
    with pytest.raises(TooManySubjects):
        await made.many("Licence", "holderCode", 5).load_many([f"holder-{n}" for n in range(3)])
    assert trace.subjects == set()
