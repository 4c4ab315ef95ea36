"""Redis is killed mid-run (SIGKILL to a private redis-server) while clients keep asking, then started again.

Meanwhile every request is still answered, none with a 5xx; the policy still holds (a denied field
stays denied); rate limits are counted in each process (a caller over its limit stays refused, a
fresh one is refused past its limit); /readyz shows the rate limits degraded and stays ready. Once
Redis is back the gateways count in it again: a limit is shared by two gateways.
"""
from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from access.identity.minting import mint_token
from tests.support.answers import check_answer
from tests.support.client_loop import Answer, ClientLoop, Request
from tests.support.gateway import JWT_SECRET, Gateway, Stores, start_gateway
from tests.support.private_redis import PrivateRedis

LIMIT = 5  # per minute, for the systems named in LIMITED
LIMITED = ("over-before", "fresh-during", "shared-after")
RETRY_S = 0.5  # how often a gateway counting alone asks Redis again
SLACK_S = 4.0  # the longest answer allowed while Redis dies, on a busy 2-core machine
RECOVERY_TIMEOUT_S = 30.0
PHASE_ANSWERS = 12

PERSON = "query($id: String!) { person(idNumber: $id) { name birthDate } }"
DENIED = "query($id: String!) { person(idNumber: $id) { name religion } }"


def _limits_file(directory: Path) -> Path:
    overrides = "".join(f"    civil-affairs/{system}: {LIMIT}/minute\n" for system in LIMITED)
    path = directory / "rate-limits.yaml"
    path.write_text(f"system:\n  default: 1000000/minute\n  overrides:\n{overrides}"
                    "department:\n  default: 1000000/minute\n", encoding="utf-8")
    return path


@pytest.fixture()
def gateways(sqlite_stores: Stores, tmp_path: Path) -> Iterator[tuple[Gateway, Gateway, PrivateRedis]]:
    """Two gateways sharing a private Redis (under a key prefix of this test's own)."""
    redis = PrivateRedis().start()
    try:
        options = {"redis_url": redis.url, "redis_prefix": "huitong_t_" + secrets.token_hex(4),
                   "rate_limits_file": _limits_file(tmp_path), "rate_limits_retry_seconds": RETRY_S}
        first = start_gateway(sqlite_stores, **options)
        second = start_gateway(sqlite_stores, **options)
        try:
            yield first, second, redis
        finally:
            second.stop()
            first.stop()
    finally:
        redis.stop()


def _headers(system: str) -> dict[str, str]:
    return {"authorization": "Bearer " + mint_token(JWT_SECRET, system, "civil-affairs"),
            "x-purpose": "social-assistance-review"}


def _ask(gateway: Gateway, system: str, person: str) -> httpx.Response:
    response = httpx.post(gateway.url + "/graphql", json={"query": PERSON, "variables": {"id": person}},
                          headers=_headers(system), timeout=30)
    check_answer(response)
    return response


def _rate_limits(gateway: Gateway) -> dict:
    ready = httpx.get(gateway.url + "/readyz", timeout=30)
    assert ready.status_code == 200, ready.text  # degraded rate limits leave the server ready
    return ready.json()["rateLimits"]


def _wait_for_rate_limits(gateway: Gateway, wanted: dict[str, str]) -> None:
    deadline = time.monotonic() + RECOVERY_TIMEOUT_S
    while {key: value for key, value in _rate_limits(gateway).items() if key in wanted} != wanted:
        assert time.monotonic() < deadline, f"/readyz never showed {wanted}: {_rate_limits(gateway)}"
        time.sleep(0.1)


def _served(answer: Answer, name: str) -> bool:
    if answer.status != 200 or answer.body["data"]["person"] is None:
        return False
    person = answer.body["data"]["person"]
    if answer.kind == "denied":
        [problem] = answer.body["errors"]
        return (person["name"] == name and person["religion"] is None
                and problem["extensions"]["code"] == "FORBIDDEN_FIELD"
                and problem["extensions"]["field"] == "Person.religion")
    return person["name"] == name and person["birthDate"] is not None and not answer.body.get("errors")


def test_redis_killed_and_restarted_mid_run(gateways, dataset) -> None:
    first, second, redis = gateways
    person = dataset.persons[0]
    requests = [Request("person", PERSON, {"id": person["gmsfhm"]}, _headers("fault-test")),
                Request("denied", DENIED, {"id": person["gmsfhm"]}, _headers("fault-test"))]
    assert _rate_limits(first) == {"store": "redis", "status": "ok"}
    for _ in range(LIMIT):
        assert _ask(first, "over-before", person["gmsfhm"]).status_code == 200
    assert _ask(first, "over-before", person["gmsfhm"]).status_code == 429

    with ClientLoop(first.url, requests) as clients:
        up = clients.wait_for(PHASE_ANSWERS, 0, timeout=60)
        assert all(_served(answer, person["xm"]) for answer in up), up[:2]

        redis.stop()  # SIGKILL
        killed_at = time.monotonic()
        down = clients.wait_for(PHASE_ANSWERS, killed_at, timeout=60)
        assert len(down) >= PHASE_ANSWERS, "the gateway stopped answering while Redis was down"
        for answer in down:
            assert _served(answer, person["xm"]) and answer.seconds < SLACK_S, answer
        limits = _rate_limits(first)
        assert limits["store"] == "per-process" and limits["status"] == "degraded", limits

        refused = _ask(first, "over-before", person["gmsfhm"])
        assert refused.status_code == 429 and refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        for _ in range(LIMIT):
            assert _ask(first, "fresh-during", person["gmsfhm"]).status_code == 200
        assert _ask(first, "fresh-during", person["gmsfhm"]).status_code == 429

        redis.start()
        _wait_for_rate_limits(first, {"store": "redis", "status": "ok"})
        recovered_at = time.monotonic()
        after = clients.wait_for(PHASE_ANSWERS, recovered_at, timeout=60)
        assert all(_served(answer, person["xm"]) for answer in after), after[:2]

    assert clients.failures == []
    _wait_for_rate_limits(second, {"store": "redis", "status": "ok"})
    for gateway in (first, second, first, second, first):
        assert _ask(gateway, "shared-after", person["gmsfhm"]).status_code == 200
    assert _ask(second, "shared-after", person["gmsfhm"]).status_code == 429  # counted in Redis across both
