"""A department that is down or slow costs its own fields only; the rest of the answer stands."""
from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from tests.support.gateway import Gateway, Stores, start_gateway
from tests.support.tcp_proxy import TcpProxy

QUERY = """query($ids: [String!]!, $u: [String!]!) {
  persons(idNumbers: $ids) { idNumber gender licences { licenceId } }
  legalEntities(usccs: $u) { uscc name }
}"""
LEAK_MARKERS = ("Traceback", "File \"", "sqlalchemy", "asyncpg", "asyncmy", "SELECT", "/work/", ".py")


def _through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username + '@' if parts.username else ''}127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture()
def fragile(server_stores: Stores) -> Iterator[tuple[Gateway, TcpProxy, TcpProxy]]:
    """A gateway whose PostgreSQL and MariaDB links run through proxies the test can cut."""
    host = lambda url: (urlsplit(url).hostname, urlsplit(url).port)  # noqa: E731
    population = TcpProxy(host(server_stores.population_url)).start()
    entity = TcpProxy(host(server_stores.entity_url)).start()
    stores = replace(server_stores, population_url=_through(population, server_stores.population_url),
                     entity_url=_through(entity, server_stores.entity_url))
    gateway = start_gateway(stores, population_timeout=1.0, entity_timeout=1.0, licence_timeout=1.0)
    yield gateway, population, entity
    gateway.stop()
    population.close()
    entity.close()


def _ask(gateway: Gateway, dataset) -> httpx.Response:
    return gateway.post(QUERY, {"ids": [p["gmsfhm"] for p in dataset.persons[:30]],
                                "u": [e["tyshxydm"] for e in dataset.entities[:5]]},
                        dept="public-security", purpose="identity-verification")


def _assert_no_internals(text: str) -> None:
    for marker in LEAK_MARKERS:
        assert marker not in text


def test_licence_service_down_keeps_persons_and_entities(fragile, dataset) -> None:
    gateway, _, _ = fragile
    assert all(p["licences"] is not None for p in _ask(gateway, dataset).json()["data"]["persons"])
    gateway.servers[0].stop()
    response = _ask(gateway, dataset)
    body = response.json()
    assert response.status_code == 200
    assert [p["idNumber"] for p in body["data"]["persons"]] == [p["gmsfhm"] for p in dataset.persons[:30]]
    assert all(p["licences"] is None for p in body["data"]["persons"])
    assert len(body["data"]["legalEntities"]) == 5
    [problem] = body["errors"]
    assert problem["extensions"]["code"] == "SOURCE_UNAVAILABLE"
    assert problem["extensions"]["department"] == "data-bureau"
    assert problem["path"] == ["persons", "licences"] and problem["extensions"]["rows"] == 30
    _assert_no_internals(response.text)


def test_population_down_keeps_legal_entities(fragile, dataset) -> None:
    gateway, population, _ = fragile
    population.set_mode("refuse")
    response = _ask(gateway, dataset)
    body = response.json()
    assert response.status_code == 200
    assert body["data"]["persons"] == [None] * 30
    assert [e["uscc"] for e in body["data"]["legalEntities"]] == [e["tyshxydm"] for e in dataset.entities[:5]]
    [problem] = body["errors"]
    assert problem["extensions"] == {"code": "SOURCE_UNAVAILABLE", "department": "public-security", "rows": 30}
    _assert_no_internals(response.text)
    population.set_mode("forward")
    assert all(p is not None for p in _ask(gateway, dataset).json()["data"]["persons"])


def test_slow_department_times_out_within_its_budget(fragile, dataset) -> None:
    gateway, _, entity = fragile
    entity.set_mode("stall")
    started = time.monotonic()
    response = _ask(gateway, dataset)
    elapsed = time.monotonic() - started
    body = response.json()
    assert elapsed < 5
    assert all(p is not None for p in body["data"]["persons"])
    assert body["data"]["legalEntities"] == [None] * 5
    [problem] = body["errors"]
    assert problem["extensions"]["department"] == "market-regulation"
    assert "timed out" in problem["message"]


def test_readyz_reports_each_department(fragile) -> None:
    gateway, population, _ = fragile
    ready = httpx.get(gateway.url + "/readyz")
    assert ready.status_code == 200
    assert {name: d["status"] for name, d in ready.json()["departments"].items()} == \
        {"population": "up", "entity": "up", "licence": "up"}
    population.set_mode("refuse")
    gateway.servers[0].stop()
    not_ready = httpx.get(gateway.url + "/readyz")
    assert not_ready.status_code == 503
    departments = not_ready.json()["departments"]
    assert departments["population"]["status"] == "down" and departments["licence"]["status"] == "down"
    assert departments["entity"]["status"] == "up"
    assert httpx.get(gateway.url + "/healthz").status_code == 200
