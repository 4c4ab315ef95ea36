"""Retries, time budget and breaker around a department connector, and how connectors classify failures."""
from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from access.policy.registry import load_departments
from catalog import load_catalog
from connectors.base import (
    PER_FETCH,
    ConnectionFailed,
    PoolExhausted,
    RequestRejected,
    Row,
    SourceUnavailable,
    TooManyRows,
)
from connectors.breaker import CircuitBreaker
from connectors.http import HttpBatchConnector
from connectors.resilience import ResilientConnector
from connectors.sql import SqlConnector
from settings import ROOT
from tests.support.department_keys import suite_keys

DEPARTMENT = "test-department"
ROWS = [{"idNumber": "1"}]
LIMIT = 100


class Source:
    """A department whose reads fail as scripted (an exception, or rows), each after `delay` seconds."""

    department = DEPARTMENT

    def __init__(self, *outcomes: BaseException | list[Row], delay: float = 0.0) -> None:
        self.outcomes = list(outcomes)
        self.delay = delay
        self.calls = 0

    async def fetch(self, by: str, keys: Sequence[str], limit: int) -> list[Row]:
        self.calls += 1
        await asyncio.sleep(self.delay)
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


def resilient(source: Source, *, attempts: int = 3, budget: float = 5.0, threshold: int = 100) -> ResilientConnector:
    return ResilientConnector(source, CircuitBreaker(threshold, recovery=60), budget=budget,
                              retry_attempts=attempts, retry_wait=0.001)


def dropped() -> ConnectionFailed:
    return ConnectionFailed(DEPARTMENT, "unreachable")


async def test_a_dropped_connection_is_read_again() -> None:
    source = Source(dropped(), ROWS)
    assert await resilient(source).fetch("idNumber", ["1"], LIMIT) == ROWS
    assert source.calls == 2


async def test_retries_stop_at_the_attempts() -> None:
    source = Source(dropped())
    with pytest.raises(ConnectionFailed):
        await resilient(source, attempts=3).fetch("idNumber", ["1"], LIMIT)
    assert source.calls == 3


@pytest.mark.parametrize("failure", [SourceUnavailable(DEPARTMENT, "timed out"),
                                     RequestRejected(DEPARTMENT, "answered HTTP 400"),
                                     PoolExhausted(DEPARTMENT, "no free connection")])
async def test_only_connection_failures_are_retried(failure: SourceUnavailable) -> None:
    source = Source(failure, ROWS)
    with pytest.raises(type(failure)):
        await resilient(source).fetch("idNumber", ["1"], LIMIT)
    assert source.calls == 1


async def test_retries_stay_within_the_time_budget() -> None:
    source = Source(dropped(), delay=0.3)
    with pytest.raises(SourceUnavailable) as raised:
        await resilient(source, attempts=3, budget=0.5).fetch("idNumber", ["1"], LIMIT)
    assert raised.value.reason == "timed out"
    assert source.calls == 2


async def test_an_open_breaker_fails_fast_without_asking_the_department() -> None:
    source = Source(dropped())
    connector = resilient(source, attempts=2, threshold=2)
    for _ in range(2):
        with pytest.raises(ConnectionFailed):
            await connector.fetch("idNumber", ["1"], LIMIT)
    assert (connector.breaker.state, source.calls) == ("open", 4)
    with pytest.raises(SourceUnavailable) as raised:
        await connector.fetch("idNumber", ["1"], LIMIT)
    assert raised.value.reason == "circuit open after repeated failures"
    assert raised.value.department == DEPARTMENT
    assert source.calls == 4


async def test_a_timed_out_read_counts_against_the_department() -> None:
    connector = resilient(Source(ROWS, delay=1), budget=0.05, threshold=1)
    with pytest.raises(SourceUnavailable):
        await connector.fetch("idNumber", ["1"], LIMIT)
    assert connector.breaker.state == "open"


@pytest.mark.parametrize("failure", [RequestRejected(DEPARTMENT, "answered HTTP 400"),
                                     PoolExhausted(DEPARTMENT, "no free connection"),
                                     TooManyRows(DEPARTMENT, LIMIT, PER_FETCH),
                                     ValueError("a bad key"), asyncio.CancelledError()])
async def test_what_is_not_the_departments_fault_never_opens_its_breaker(failure: BaseException) -> None:
    connector = resilient(Source(failure), threshold=2)
    for _ in range(3):
        with pytest.raises(type(failure)):
            await connector.fetch("idNumber", ["1"], LIMIT)
    assert (connector.breaker.state, connector.breaker.failures) == ("closed", 0)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(load_departments(ROOT / "policy" / "departments.csv"))


async def test_a_full_sql_pool_is_pool_exhausted_not_a_hang(catalog, tmp_path: Path) -> None:
    population = next(r for r in catalog.resources.values() if r.connector == "population")
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/p.db", pool_size=1, max_overflow=0, pool_timeout=0.1)
    connector = SqlConnector(population, engine, DEPARTMENT, timeout=5)
    try:
        async with engine.connect():
            with pytest.raises(PoolExhausted):
                await connector.fetch("idNumber", ["1"], LIMIT)
    finally:
        await connector.close()


@pytest.mark.parametrize(("answer", "expected"), [
    (httpx.ConnectError("refused"), ConnectionFailed),
    (httpx.RemoteProtocolError("server disconnected"), ConnectionFailed),
    (httpx.PoolTimeout("no connection"), PoolExhausted),
    (httpx.ReadTimeout("slow"), SourceUnavailable),
    (httpx.Response(400, json={"error": "bad query"}), RequestRejected),
    (httpx.Response(503), SourceUnavailable),
])
async def test_http_failures_are_classified(catalog, answer: Exception | httpx.Response,
                                            expected: type[SourceUnavailable]) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if isinstance(answer, Exception):
            raise answer
        return answer

    licence = next(r for r in catalog.resources.values() if r.connector == "licence")
    client = httpx.AsyncClient(base_url="http://licence.test", transport=httpx.MockTransport(respond))
    connector = HttpBatchConnector(licence, "http://licence.test", DEPARTMENT, 5, suite_keys().tokens(), client=client)
    try:
        with pytest.raises(SourceUnavailable) as raised:
            await connector.fetch("licenceId", ["1"], LIMIT)
    finally:
        await connector.close()
    assert type(raised.value) is expected
