"""A department's database really stops mid-run while clients keep asking.

The legal-entity registry runs on a private MariaDB of the test's own, which is stopped with SIGTERM
(and started again), or frozen with SIGSTOP (and thawed): a hung host that still holds its connections.
Meanwhile the other departments' data is still served, the stopped one is SOURCE_UNAVAILABLE, nothing
is a 5xx, no answer waits beyond the department's timeout, and answers come back whole afterwards.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from access.identity.minting import mint_token
from departments.loading import load_department
from tests.support.client_loop import Answer, ClientLoop, Request
from tests.support.gateway import JWT_SECRET, Gateway, Stores, start_gateway
from tests.support.private_mariadb import PrivateMariaDB, private_mariadb

ENTITY_TIMEOUT_S = 1.0
SLACK_S = 4.0  # above the department's timeout, for a busy 2-core machine (the gateway shares it with the test)
OUTAGE_S = 3.0  # long enough for the breaker (recovery 1 s here) to probe the stopped department and fail again
RECOVERY_TIMEOUT_S = 60.0
PHASE_ANSWERS = 12
PERSONS_ASKED, ENTITIES_ASKED = 20, 5

PERSONS = "query($ids: [String!]!) { persons(idNumbers: $ids) { idNumber name licences { licenceId } } }"
ENTITIES = "query($u: [String!]!) { legalEntities(usccs: $u) { uscc name legalRepresentative { name } } }"
BOTH = """query($ids: [String!]!, $u: [String!]!) {
  persons(idNumbers: $ids) { idNumber name }
  legalEntities(usccs: $u) { uscc name }
}"""
OUTAGES = {"stopped": (PrivateMariaDB.stop, PrivateMariaDB.start),
           "frozen": (PrivateMariaDB.freeze, PrivateMariaDB.thaw)}


@pytest.fixture()
def stoppable(sqlite_stores: Stores, dataset) -> Iterator[tuple[Gateway, PrivateMariaDB]]:
    """Population and licences on SQLite, legal entities on a private MariaDB the test can stop."""
    with private_mariadb("huitong_entities") as (mariadb, entity_url):
        asyncio.run(load_department(entity_url, "entity", dataset.entities))
        gateway = start_gateway(replace(sqlite_stores, entity_url=entity_url), entity_timeout=ENTITY_TIMEOUT_S,
                                department_breaker_recovery=1.0)
        try:
            yield gateway, mariadb
        finally:
            gateway.stop()


def _requests(dataset) -> list[Request]:
    headers = {"authorization": "Bearer " + mint_token(JWT_SECRET, "fault-test", "public-security"),
               "x-purpose": "identity-verification"}
    ids = [p["gmsfhm"] for p in dataset.persons[:PERSONS_ASKED]]
    usccs = [e["tyshxydm"] for e in dataset.entities[:ENTITIES_ASKED]]
    return [Request("persons", PERSONS, {"ids": ids}, headers),
            Request("entities", ENTITIES, {"u": usccs}, headers),
            Request("both", BOTH, {"ids": ids, "u": usccs}, headers)]


def _persons_served(answer: Answer, dataset) -> bool:
    expected = [p["xm"] for p in dataset.persons[:PERSONS_ASKED]]
    return [person["name"] for person in answer.body["data"]["persons"]] == expected


def _whole(answer: Answer, dataset) -> bool:
    if answer.status != 200 or answer.body.get("errors"):
        return False
    data = answer.body["data"]
    if "persons" in data and not _persons_served(answer, dataset):
        return False
    usccs = [e["tyshxydm"] for e in dataset.entities[:ENTITIES_ASKED]]
    return "legalEntities" not in data or [e and e["uscc"] for e in data["legalEntities"]] == usccs


def _assert_only_the_entity_department_missing(answer: Answer, dataset) -> None:
    assert answer.status == 200, answer
    assert answer.seconds < ENTITY_TIMEOUT_S + SLACK_S, answer
    if answer.kind == "persons":
        assert _whole(answer, dataset), answer
        return
    assert answer.body["data"]["legalEntities"] == [None] * ENTITIES_ASKED, answer
    assert answer.codes == {"SOURCE_UNAVAILABLE"}, answer
    assert {problem["extensions"]["department"] for problem in answer.body["errors"]} == {"market-regulation"}
    if answer.kind == "both":
        assert _persons_served(answer, dataset), answer


@pytest.mark.parametrize("outage", list(OUTAGES))
def test_department_database_stops_mid_run(stoppable, dataset, outage: str) -> None:
    gateway, mariadb = stoppable
    begin, end = OUTAGES[outage]
    with ClientLoop(gateway.url, _requests(dataset)) as clients:
        up = clients.wait_for(PHASE_ANSWERS, 0, timeout=60)
        assert len(up) >= PHASE_ANSWERS and all(_whole(answer, dataset) for answer in up), up[:3]

        begin(mariadb)
        began_at = time.monotonic()
        time.sleep(OUTAGE_S)
        down = clients.wait_for(PHASE_ANSWERS, began_at, timeout=60)
        assert len(down) >= PHASE_ANSWERS, "the gateway stopped answering while the department was down"
        for answer in down:
            _assert_only_the_entity_department_missing(answer, dataset)
        not_ready = httpx.get(gateway.url + "/readyz", timeout=30)
        assert not_ready.status_code == 503 and not_ready.json()["departments"]["entity"]["status"] == "down"

        end(mariadb)
        ended_at = time.monotonic()
        while not any(answer.kind != "persons" and _whole(answer, dataset) for answer in clients.since(ended_at)):
            assert time.monotonic() < ended_at + RECOVERY_TIMEOUT_S, "answers did not recover after the outage"
            time.sleep(0.1)
        recovered_at = time.monotonic()
        after = clients.wait_for(PHASE_ANSWERS, recovered_at, timeout=60)
        assert len(after) >= PHASE_ANSWERS and all(_whole(answer, dataset) for answer in after), after[:3]

    assert clients.failures == []
    assert httpx.get(gateway.url + "/readyz", timeout=30).status_code == 200
