"""The licence department's service over real HTTP, against a seeded SQLite store, called as the gateway calls it
(README "Department authentication"; its refusals are in test_licence_authentication.py)."""

import asyncio
import datetime
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from departments.licence.query import MAX_KEYS
from departments.licence.service import create_app
from departments.loading import load_department
from tests.support.department_keys import GatewayAuth, suite_keys

QUERY = "/v1/licences/query"


@contextmanager
def serving(app: Starlette) -> Iterator[httpx.Client]:
    """Runs the app under uvicorn in a thread on a free loopback port; yields a client for it, signing as the
    gateway."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the licence service did not start")
        time.sleep(0.01)
    host, port = listener.getsockname()
    try:
        with httpx.Client(base_url=f"http://{host}:{port}", timeout=10, auth=GatewayAuth(suite_keys().tokens())) \
                as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()


@pytest.fixture(scope="module")
def service(small_dataset, tmp_path_factory) -> Iterator[tuple[httpx.Client, Starlette]]:
    database_url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('licence') / 'licence.db'}"
    asyncio.run(load_department(database_url, "licence", small_dataset.licences))
    app = create_app(database_url, suite_keys().verifier())
    with serving(app) as client:
        yield client, app


@pytest.fixture
def client(service) -> httpx.Client:
    return service[0]


def as_json(row: dict) -> dict:
    return {column: value.isoformat() if isinstance(value, datetime.date) else value for column, value in row.items()}


def by_licence_id(rows) -> dict[str, dict]:
    return {row["zzbs"]: row for row in rows}


def test_health_reports_ok_after_reaching_the_store(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_batch_by_holder_code_returns_every_licence_of_each_holder(client, small_dataset):
    holdings = Counter((licence["czztdmlx"], licence["czztdm"]) for licence in small_dataset.licences)
    person = next(code for (code_type, code), held in holdings.items() if code_type == "111" and held > 1)
    entity = next(code for (code_type, code), held in holdings.items() if code_type == "001" and held > 1)
    expected = [licence for licence in small_dataset.licences if licence["czztdm"] in (person, entity)]

    response = client.post(QUERY, json={"by": "holderCode", "keys": [person, entity, "no-such-holder"]})

    assert response.status_code == 200
    assert by_licence_id(response.json()["items"]) == by_licence_id(map(as_json, expected))


def test_batch_by_licence_id_returns_the_known_ones(client, small_dataset):
    wanted = [small_dataset.licences[index] for index in (0, 17, 799)]
    keys = [licence["zzbs"] for licence in wanted] + ["1.2.156.3005.2.unknown"]

    response = client.post(QUERY, json={"by": "licenceId", "keys": keys})

    assert response.status_code == 200
    assert by_licence_id(response.json()["items"]) == by_licence_id(map(as_json, wanted))


def test_each_batch_counts_as_one_request(service, small_dataset):
    client, app = service
    keys = [licence["zzbs"] for licence in small_dataset.licences[:MAX_KEYS]]
    before = app.state.query_requests

    response = client.post(QUERY, json={"by": "licenceId", "keys": keys})

    assert response.status_code == 200 and len(response.json()["items"]) == len(keys)
    assert app.state.query_requests == before + 1


def test_a_limit_caps_the_rows_answered(client, small_dataset):
    keys = [licence["zzbs"] for licence in small_dataset.licences[:10]]

    limited = client.post(QUERY, json={"by": "licenceId", "keys": keys, "limit": 4})
    unlimited = client.post(QUERY, json={"by": "licenceId", "keys": keys, "limit": 10})

    assert limited.status_code == 200 and len(limited.json()["items"]) == 4
    assert len(unlimited.json()["items"]) == 10


def test_more_than_the_maximum_number_of_keys_is_refused(client):
    response = client.post(QUERY, json={"by": "licenceId", "keys": [f"key-{n}" for n in range(MAX_KEYS + 1)]})
    assert response.status_code == 400
    assert str(MAX_KEYS) in response.json()["error"]


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (b'{"by": "holderCode", "keys": [', "not valid JSON"),
        (b'["holderCode"]', "JSON object"),
        (b'{"by": "name", "keys": []}', '"by" must be one of'),
        (b'{"by": "holderCode", "keys": "91110000600037341L"}', '"keys" must be a list of strings'),
        (b'{"by": "holderCode", "keys": [91110000]}', '"keys" must be a list of strings'),
        (b'{"by": "holderCode", "keys": [], "limit": 0}', '"limit" must be a whole number'),
        (b'{"by": "holderCode", "keys": [], "limit": "5"}', '"limit" must be a whole number'),
        (b'{"by": "holderCode", "keys": [], "limit": true}', '"limit" must be a whole number'),
    ],
)
def test_malformed_queries_are_refused_with_a_reason(client, body, complaint):
    response = client.post(QUERY, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert complaint in response.json()["error"]


def test_no_keys_give_no_items(client):
    response = client.post(QUERY, json={"by": "holderCode", "keys": []})
    assert response.status_code == 200
    assert response.json() == {"items": []}


def test_unreachable_store_makes_health_unavailable(tmp_path):
    missing = f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'licence.db'}"
    with serving(create_app(missing, suite_keys().verifier())) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_store_failure_is_an_opaque_internal_error(tmp_path):
    with serving(create_app(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}", suite_keys().verifier())) as client:
        response = client.post(QUERY, json={"by": "licenceId", "keys": ["anything"]})
    assert response.status_code == 500
    assert response.json() == {"error": "internal error"}
