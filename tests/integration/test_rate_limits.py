"""Rate limits per calling system and per department, shared through Redis, kept when Redis is gone."""
from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from access.identity.minting import mint_token
from cli import app as cli_app
from control.ratelimits.config import RateLimitConfigError
from server import create_app
from settings import Settings
from tests.support.gateway import JWT_SECRET, Gateway, Stores, start_gateway
from tests.support.private_redis import PrivateRedis
from tests.support.servers import REDIS_ADDRESS
from tests.support.tcp_proxy import TcpProxy

QUERY = "query($id: String!) { person(idNumber: $id) { name } }"
PURPOSES = {"civil-affairs": "social-assistance-review", "public-security": "identity-verification"}
NOTHING_ASKED = {"population": 0, "entity": 0, "licence": 0}


def _limits_file(directory: Path, system: str = "1000/hour", department: str = "1000/hour",
                 department_overrides: dict[str, str] | None = None,
                 system_overrides: dict[str, str] | None = None) -> Path:
    path = directory / "rate-limits.yaml"
    path.write_text(yaml.safe_dump({"system": {"default": system, "overrides": system_overrides or {}},
                                    "department": {"default": department, "overrides": department_overrides or {}}}))
    return path


@pytest.fixture()
def start(sqlite_stores: Stores) -> Iterator[Callable[..., Gateway]]:
    started: list[Gateway] = []

    def starter(**overrides: object) -> Gateway:
        gateway = start_gateway(sqlite_stores, **overrides)
        started.append(gateway)
        return gateway

    yield starter
    for gateway in started:
        gateway.stop()


def _ask(gateway: Gateway, dataset, system: str = "test-system", dept: str = "civil-affairs") -> httpx.Response:
    return gateway.post(QUERY, {"id": dataset.persons[0]["gmsfhm"]}, dept=dept, purpose=PURPOSES[dept],
                        token=mint_token(JWT_SECRET, system, dept))


def _rate_limits_status(gateway: Gateway) -> dict:
    response = httpx.get(gateway.url + "/readyz", timeout=10)
    assert response.status_code == 200 and response.json()["ready"] is True  # a rate-limit store never unreadies
    return response.json()["rateLimits"]


def _wait_for_store(gateway: Gateway, store: str) -> dict:
    deadline = time.monotonic() + 15
    while (status := _rate_limits_status(gateway))["store"] != store:
        assert time.monotonic() < deadline, f"the rate-limit store stayed {status}"
        time.sleep(0.1)
    return status


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _refusal(response: httpx.Response) -> dict:
    assert response.status_code == 429
    retry_after = int(response.headers["retry-after"])
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] == retry_after
    return error["extensions"]


def test_the_request_over_a_systems_limit_gets_429_and_no_department_is_asked(
        start, dataset, tmp_path, redis_url, redis_prefix) -> None:
    gateway = start(rate_limits_file=_limits_file(tmp_path, system="3/hour"), redis_url=redis_url,
                    redis_prefix=redis_prefix)
    assert [_ask(gateway, dataset).status_code for _ in range(3)] == [200, 200, 200]
    gateway.reset_counts()
    refused = _ask(gateway, dataset)
    extensions = _refusal(refused)
    assert extensions["limitedBy"] == "system" and extensions["limit"] == "3 per 1 hour"
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert gateway.counts() == NOTHING_ASKED
    assert "entry" in refused.json()["extensions"]["accessRecord"]  # the refusal is on the record too
    assert _ask(gateway, dataset, system="another-system").status_code == 200  # each system has its own count


def test_systems_of_the_same_name_in_two_departments_are_counted_apart(
        start, dataset, tmp_path, redis_url, redis_prefix) -> None:
    limits = _limits_file(tmp_path, system="3/hour", system_overrides={"civil-affairs/case-system": "5/hour"})
    gateway = start(rate_limits_file=limits, redis_url=redis_url, redis_prefix=redis_prefix)
    assert [_ask(gateway, dataset, system="x").status_code for _ in range(3)] == [200] * 3
    refused = _refusal(_ask(gateway, dataset, system="x"))
    assert refused["limitedBy"] == "system"
    assert "the calling system 'x' of civil-affairs" in _ask(gateway, dataset, system="x").json()["errors"][0][
        "message"]
    assert [_ask(gateway, dataset, system="x", dept="public-security").status_code for _ in range(3)] == [200] * 3, \
        "another department's system called x has a count of its own"
    # An override names its department: the same name elsewhere keeps the default.
    assert [_ask(gateway, dataset, system="case-system").status_code for _ in range(6)] == [200] * 5 + [429]
    assert [_ask(gateway, dataset, system="case-system", dept="public-security").status_code
            for _ in range(4)] == [200] * 3 + [429]


def test_requests_refused_for_their_purpose_still_count(start, dataset, tmp_path, redis_url, redis_prefix) -> None:
    gateway = start(rate_limits_file=_limits_file(tmp_path, system="3/hour"), redis_url=redis_url,
                    redis_prefix=redis_prefix)
    token = mint_token(JWT_SECRET, "test-system", "civil-affairs")
    for purpose in ("curiosity", None):  # unknown, then none: each still costs the system a count
        response = gateway.post(QUERY, {"id": dataset.persons[0]["gmsfhm"]}, purpose=purpose, token=token)
        assert response.status_code == 400
    assert _ask(gateway, dataset).status_code == 200
    _refusal(_ask(gateway, dataset))


def test_two_gateways_on_one_redis_share_the_count(start, dataset, tmp_path, redis_url, redis_prefix) -> None:
    shared = {"rate_limits_file": _limits_file(tmp_path, system="4/hour"), "redis_url": redis_url,
              "redis_prefix": redis_prefix}
    first, second = start(**shared), start(**shared)
    assert [_ask(gateway, dataset).status_code for gateway in (first, second, first, second)] == [200] * 4
    assert _refusal(_ask(first, dataset))["limitedBy"] == "system"
    assert _refusal(_ask(second, dataset))["limitedBy"] == "system"


def test_a_departments_limit_counts_every_system_of_the_department(
        start, dataset, tmp_path, redis_url, redis_prefix) -> None:
    limits = _limits_file(tmp_path, system="100/hour", department="3/hour",
                          department_overrides={"public-security": "100/hour"})
    gateway = start(rate_limits_file=limits, redis_url=redis_url, redis_prefix=redis_prefix)
    assert [_ask(gateway, dataset, system=name).status_code for name in ("sys-a", "sys-b", "sys-a")] == [200] * 3
    gateway.reset_counts()
    extensions = _refusal(_ask(gateway, dataset, system="sys-c"))
    assert extensions["limitedBy"] == "department" and extensions["limit"] == "3 per 1 hour"
    assert gateway.counts() == NOTHING_ASKED
    assert _ask(gateway, dataset, system="sys-c", dept="public-security").status_code == 200


def test_with_redis_killed_each_process_still_enforces_the_limits_and_says_so(
        start, dataset, tmp_path, redis_prefix, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="ratelimits")
    redis = PrivateRedis().start()
    try:
        gateway = start(rate_limits_file=_limits_file(tmp_path, system="3/hour"), redis_url=redis.url,
                        redis_prefix=redis_prefix, rate_limits_retry_seconds=0.2)
        assert _rate_limits_status(gateway) == {"store": "redis", "status": "ok"}
        assert _ask(gateway, dataset).status_code == 200

        redis.stop()
        # The request counted through Redis before the outage still counts in this process.
        answers = [_ask(gateway, dataset) for _ in range(3)]
        assert [answer.status_code for answer in answers] == [200, 200, 429]
        assert _refusal(answers[-1])["limitedBy"] == "system"
        status = _rate_limits_status(gateway)
        assert status["store"] == "per-process" and status["status"] == "degraded" and "since" in status
        assert [r.getMessage() for r in caplog.records].count(
            "rate limits: Redis does not answer (ConnectionError); each worker now counts its own requests "
            "against the limits until it does") == 1

        redis.start()  # empty: the shared count starts again
        assert _wait_for_store(gateway, "redis") == {"store": "redis", "status": "ok"}
        assert "rate limits: Redis answers again" in caplog.text
        assert _ask(gateway, dataset).status_code == 200  # counted in Redis: this process alone would refuse
    finally:
        redis.stop()


def test_a_stalled_redis_costs_a_bounded_wait_then_the_process_counts_alone(
        start, dataset, tmp_path, redis_url, redis_prefix) -> None:
    proxy = TcpProxy(REDIS_ADDRESS).start()
    try:
        gateway = start(rate_limits_file=_limits_file(tmp_path, system="3/hour"),
                        redis_url=f"redis://127.0.0.1:{proxy.port}/0", redis_prefix=redis_prefix,
                        rate_limits_retry_seconds=0.2)
        assert _ask(gateway, dataset).status_code == 200
        proxy.set_mode("stall")
        started = time.monotonic()
        assert _ask(gateway, dataset).status_code == 200
        # Bounded by the Redis timeout (0.25 s, one retry), not hung on the stalled link (the client waits 30 s).
        assert time.monotonic() - started < 10
        assert _rate_limits_status(gateway)["status"] == "degraded"
        assert [_ask(gateway, dataset).status_code for _ in range(2)] == [200, 429]

        proxy.set_mode("forward")
        _wait_for_store(gateway, "redis")
        # Redis still holds the 1 request counted before the stall: 2 more, then refused.
        assert [_ask(gateway, dataset).status_code for _ in range(3)] == [200, 200, 429]
    finally:
        proxy.close()


def test_redis_unreachable_at_start_leaves_the_limits_per_process(start, dataset, tmp_path, redis_prefix) -> None:
    gateway = start(rate_limits_file=_limits_file(tmp_path, system="2/hour"),
                    redis_url=f"redis://127.0.0.1:{_free_port()}/0", redis_prefix=redis_prefix)
    assert _wait_for_store(gateway, "per-process")["status"] == "degraded"
    assert [_ask(gateway, dataset).status_code for _ in range(3)] == [200, 200, 429]


def test_without_redis_the_limits_are_per_process(start, dataset, tmp_path) -> None:
    gateway = start(rate_limits_file=_limits_file(tmp_path, system="2/hour"))
    assert _rate_limits_status(gateway) == {"store": "per-process", "status": "ok"}
    assert [_ask(gateway, dataset).status_code for _ in range(3)] == [200, 200, 429]


def test_a_bad_limits_file_stops_startup_naming_file_and_entry(sqlite_stores, tmp_path, monkeypatch) -> None:
    bad = tmp_path / "rate-limits.yaml"
    bad.write_text("system:\n  default: 600/minte\ndepartment:\n  default: 3000/minute\n")
    settings = Settings(population_url=sqlite_stores.population_url, entity_url=sqlite_stores.entity_url,
                        jwt_secret=JWT_SECRET, state_dir=tmp_path, rate_limits_file=bad)
    with pytest.raises(RateLimitConfigError, match=rf"^{bad}: system\.default: '600/minte' is not a limit"):
        create_app(settings)

    monkeypatch.setenv("HUITONG_RATE_LIMITS_FILE", str(bad))
    monkeypatch.setenv("HUITONG_LICENCE_URL", "http://127.0.0.1:9")  # no embedded service to start
    monkeypatch.setattr("cli.uvicorn.run", lambda *args, **kwargs: pytest.fail("the server started"))
    result = CliRunner().invoke(cli_app, ["serve"])
    assert result.exit_code == 1
    assert f"not starting: {bad}: system.default: '600/minte' is not a limit" in result.output
