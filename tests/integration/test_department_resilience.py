"""Retries, breakers and pool limits against the real PostgreSQL and MariaDB, through proxies the test can cut."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from tests.support.gateway import Gateway, Stores, start_gateway
from tests.support.tcp_proxy import TcpProxy

QUERY = """query($ids: [String!]!, $u: [String!]!) {
  persons(idNumbers: $ids) { idNumber }
  legalEntities(usccs: $u) { uscc }
}"""
RECOVERY = 3.0  # long enough for the fail-fast checks on a busy machine


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or 0


def _through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username + '@' if parts.username else ''}127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=netloc))


@contextmanager
def _proxied(stores: Stores, **settings: Any) -> Iterator[tuple[Gateway, TcpProxy, TcpProxy]]:
    """A gateway whose PostgreSQL (population) and MariaDB (entity) links run through proxies."""
    population = TcpProxy(_address(stores.population_url)).start()
    entity = TcpProxy(_address(stores.entity_url)).start()
    routed = replace(stores, population_url=_through(population, stores.population_url),
                     entity_url=_through(entity, stores.entity_url))
    gateway = start_gateway(routed, **{"population_timeout": 1.0, "entity_timeout": 1.0,
                                       "department_retry_wait": 0.01, **settings})
    try:
        yield gateway, population, entity
    finally:
        gateway.stop()
        population.close()
        entity.close()


@pytest.fixture()
def proxied(server_stores: Stores) -> Callable[..., Any]:
    return lambda **settings: _proxied(server_stores, **settings)


def _ask(gateway: Gateway, dataset) -> dict:
    response = gateway.post(QUERY, {"ids": [p["gmsfhm"] for p in dataset.persons[:3]],
                                    "u": [e["tyshxydm"] for e in dataset.entities[:2]]},
                            dept="public-security", purpose="identity-verification")
    assert response.status_code == 200, response.text
    return response.json()


def _population_problem(body: dict) -> str:
    """The population registry's one SOURCE_UNAVAILABLE message; the legal entities still answered."""
    assert [e["uscc"] for e in body["data"]["legalEntities"]] != [None, None]
    assert body["data"]["persons"] == [None] * 3
    [problem] = body["errors"]
    assert problem["extensions"]["code"] == "SOURCE_UNAVAILABLE"
    assert problem["extensions"]["department"] == "public-security"
    return problem["message"]


def _breakers(gateway: Gateway) -> dict[str, tuple[str, str, int]]:
    departments = httpx.get(gateway.url + "/readyz").json()["departments"]
    return {name: (d["status"], d["breaker"], d["failures"]) for name, d in departments.items()}


def test_a_refused_connection_is_tried_again(proxied, dataset) -> None:
    with proxied() as (gateway, population, entity):
        population.refuse_next(1)
        entity.refuse_next(1)
        body = _ask(gateway, dataset)
        assert "errors" not in body
        assert None not in body["data"]["persons"] and None not in body["data"]["legalEntities"]
        assert (population.connections, entity.connections) == (2, 2)


def test_the_breaker_opens_fails_fast_and_closes_after_a_good_probe(proxied, dataset) -> None:
    with proxied(department_breaker_threshold=2, department_breaker_recovery=RECOVERY) as (gateway, population, _):
        assert {state[1] for state in _breakers(gateway).values()} == {"closed"}
        population.set_mode("refuse")
        for _ in range(2):
            assert "unreachable" in _population_problem(_ask(gateway, dataset))
        opened = time.monotonic()
        attempts = population.connections
        for _ in range(3):
            assert "circuit open" in _population_problem(_ask(gateway, dataset))
        assert population.connections == attempts, "an open breaker must not touch the department"
        assert _breakers(gateway)["population"] == ("down", "open", 2)
        assert _breakers(gateway)["entity"][1:] == ("closed", 0)

        population.set_mode("forward")
        time.sleep(max(0.0, opened + RECOVERY - time.monotonic()))
        assert _breakers(gateway)["population"] == ("up", "half-open", 2)
        body = _ask(gateway, dataset)
        assert "errors" not in body and None not in body["data"]["persons"]
        assert _breakers(gateway)["population"] == ("up", "closed", 0)


def test_retries_never_stretch_a_stalled_department_past_its_timeout(proxied, dataset) -> None:
    with proxied(department_retry_attempts=5) as (gateway, population, _):
        population.set_mode("stall")
        started = time.monotonic()
        message = _population_problem(_ask(gateway, dataset))
        elapsed = time.monotonic() - started
        assert "timed out" in message
        assert population.connections == 1, "a read that used its whole time was tried again"
        assert elapsed < 3.0, f"{elapsed:.1f} s: a 1 s department timeout was multiplied by the attempts"


def test_an_exhausted_pool_answers_source_unavailable(proxied, dataset) -> None:
    settings = {"department_pool_size": 1, "department_pool_overflow": 0, "department_pool_timeout": 0.2,
                "population_timeout": 2.0}
    with proxied(**settings) as (gateway, population, _), ThreadPoolExecutor(2) as pool:
        population.set_mode("stall")
        holding = pool.submit(_ask, gateway, dataset)
        while population.connections == 0:  # the one connection is taken, and stalls
            time.sleep(0.01)
        started = time.monotonic()
        waiting = _ask(gateway, dataset)
        elapsed = time.monotonic() - started
        assert "no free connection" in _population_problem(waiting)
        assert elapsed < 2.0, "the read waited for the pool, not for the department's timeout"
        assert "timed out" in _population_problem(holding.result())
        assert _breakers(gateway)["population"][2] == 1, "only the stalled read counts against the department"
