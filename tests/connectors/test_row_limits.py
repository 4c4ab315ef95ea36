"""Every fetch reads at most its limit: the source is asked for one row more (SQL LIMIT, the licence service's
`limit`), so more rows than the limit are found without reading them all, and refused as TooManyRows."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import event

from access.policy.registry import load_departments
from catalog import Resource, load_catalog
from connectors.base import PER_FETCH, TooManyRows
from connectors.http import HttpBatchConnector
from connectors.sql import SqlConnector
from departments.loading import load_department
from departments.synthetic import Dataset, generate_dataset
from settings import ROOT
from tests.support.department_keys import suite_keys
from tests.support.servers import mariadb_database, postgres_database

CATALOG = load_catalog(load_departments(ROOT / "policy" / "departments.csv"))
KEYS = 6


@pytest.fixture(scope="module")
def persons() -> Dataset:
    return generate_dataset(persons=40, entities=5, licences=30, seed=11)


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def population_url(request: pytest.FixtureRequest, persons: Dataset, tmp_path_factory) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('rows')}/population.db"
        asyncio.run(load_department(url, "population", persons.persons))
        yield url
        return
    with (postgres_database() if request.param == "postgresql" else mariadb_database()) as url:
        asyncio.run(load_department(url, "population", persons.persons))
        yield url


def _resource(connector: str) -> Resource:
    return next(r for r in CATALOG.resources.values() if r.connector == connector)


async def _fetch_and_capture(url: str, keys: list[str], limit: int) -> tuple[Any, list[str]]:
    connector = SqlConnector.from_url(_resource("population"), url, "public-security", 5, 1, 0, 1)
    statements: list[str] = []
    event.listen(connector.engine.sync_engine, "before_cursor_execute",
                 lambda _conn, _cursor, statement, *_: statements.append(statement))
    try:
        return await connector.fetch("idNumber", keys, limit), statements
    except TooManyRows as exc:
        return exc, statements
    finally:
        await connector.close()


def test_sql_reads_carry_a_limit_one_above_the_cap(population_url: str, persons: Dataset) -> None:
    keys = [person["gmsfhm"] for person in persons.persons[:KEYS]]

    rows, statements = asyncio.run(_fetch_and_capture(population_url, keys, KEYS))
    refused, _ = asyncio.run(_fetch_and_capture(population_url, keys, KEYS - 1))

    assert sorted(row["idNumber"] for row in rows) == sorted(keys)
    assert ["LIMIT" in statement.upper() for statement in statements] == [True]
    assert isinstance(refused, TooManyRows)
    assert (refused.department, refused.limit, refused.per) == ("public-security", KEYS - 1, PER_FETCH)


@pytest.mark.parametrize(("answered", "refused"), [(3, False), (4, True)])
async def test_the_licence_service_is_asked_for_one_row_above_the_cap(answered: int, refused: bool) -> None:
    asked: list[dict[str, Any]] = []

    def respond(request: httpx.Request) -> httpx.Response:
        asked.append(orjson.loads(request.content))
        return httpx.Response(200, json={"items": [{"zzbs": f"licence-{n}"} for n in range(answered)]})

    client = httpx.AsyncClient(base_url="http://licence.test", transport=httpx.MockTransport(respond))
    connector = HttpBatchConnector(_resource("licence"), "http://licence.test", "data-bureau", 5, suite_keys().tokens(),
                                   client=client)
    try:
        if refused:
            with pytest.raises(TooManyRows):
                await connector.fetch("holderCode", ["someone"], 3)
        else:
            assert len(await connector.fetch("holderCode", ["someone"], 3)) == answered
    finally:
        await connector.close()
    assert asked == [{"by": "holderCode", "keys": ["someone"], "limit": 4}]
