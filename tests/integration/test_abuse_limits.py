"""Abuse of the door itself: requests that fail authentication are limited per client address (behind trusted
proxies, the address they forward) and go on the access record as counts per address, not one entry each; a request
carrying two Authorization headers is refused, whichever comes first."""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from access.identity.minting import mint_token
from cli import app as cli_app
from record.schema import access_log_entries
from tests.support.gateway import JWT_SECRET, Gateway, Stores, start_gateway

QUERY = "query($id: String!) { person(idNumber: $id) { name } }"
BAD_TOKEN = "not-a-token"


def _limits_file(directory: Path, per_address: str) -> Path:
    path = directory / "rate-limits.yaml"
    path.write_text(yaml.safe_dump({"system": {"default": "1000000/minute"},
                                    "department": {"default": "1000000/minute"},
                                    "unauthenticated": {"per-address": per_address}}))
    return path


@pytest.fixture()
def start(sqlite_stores: Stores, tmp_path: Path) -> Iterator[Callable[..., Gateway]]:
    started: list[Gateway] = []

    def starter(per_address: str = "1000000/minute", **overrides: object) -> Gateway:
        gateway = start_gateway(sqlite_stores, rate_limits_file=_limits_file(tmp_path, per_address),
                                audit_url=f"sqlite+aiosqlite:///{tmp_path}/access-log-{len(started)}.db", **overrides)
        started.append(gateway)
        return gateway

    yield starter
    for gateway in started:
        gateway.stop()


def _anonymous(gateway: Gateway, dataset, headers: dict[str, str] | None = None,
               token: str = BAD_TOKEN) -> httpx.Response:
    return gateway.post(QUERY, {"id": dataset.persons[0]["gmsfhm"]}, token=token, headers=headers)


def _code(response: httpx.Response) -> str:
    code: str = response.json()["errors"][0]["extensions"]["code"]
    return code


def _entries(gateway: Gateway) -> list[dict]:
    async def read() -> list[dict]:
        engine = create_async_engine(gateway.runtime.settings.access_log_url)
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(select(access_log_entries.c.body).order_by(access_log_entries.c.seq))
                return [json.loads(body) for body, in rows]
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _anonymous_entries(gateway: Gateway) -> list[dict]:
    return [entry for entry in _entries(gateway) if entry.get("kind") == "anonymous"]


def _entry_count(gateway: Gateway) -> int:
    async def count() -> int:
        engine = create_async_engine(gateway.runtime.settings.access_log_url)
        try:
            async with engine.connect() as connection:
                return (await connection.execute(select(func.count()).select_from(access_log_entries))).scalar_one()
        finally:
            await engine.dispose()

    return asyncio.run(count())


def test_an_anonymous_flood_from_one_address_gets_429_and_the_same_address_authenticated_does_not(
        start, dataset) -> None:
    gateway = start(per_address="5/hour")
    failing = [_anonymous(gateway, dataset), _anonymous(gateway, dataset, token=""),
               _anonymous(gateway, dataset, token=mint_token(JWT_SECRET, "s", "civil-affairs", ttl_seconds=-60)),
               _anonymous(gateway, dataset, token=mint_token("another-secret-of-the-same-length-0123456789abcdef",
                                                             "s", "civil-affairs")),
               httpx.get(gateway.url + "/admin/policy/api/overview")]  # every route that authenticates counts
    assert [response.status_code for response in failing] == [401] * 5
    gateway.reset_counts()
    flood = [_anonymous(gateway, dataset) for _ in range(20)]
    assert {(response.status_code, _code(response)) for response in flood} == {(429, "RATE_LIMITED")}
    extensions = flood[0].json()["errors"][0]["extensions"]
    assert extensions["limitedBy"] == "address" and extensions["limit"] == "5 per 1 hour"
    assert 1 <= int(flood[0].headers["retry-after"]) <= 3600
    assert gateway.counts() == {"population": 0, "entity": 0, "licence": 0}

    served = [gateway.post(QUERY, {"id": dataset.persons[0]["gmsfhm"]}) for _ in range(20)]
    assert [response.status_code for response in served] == [200] * 20, "authenticated requests are not counted"
    assert _anonymous(gateway, dataset).status_code == 429, "and they do not clear the address's count"


def test_anonymous_refusals_are_counted_per_address_on_the_record_not_entered_one_each(start, dataset) -> None:
    gateway = start(per_address="50/hour", anonymous_record_seconds=3600)
    before = _entry_count(gateway)
    answers = [_anonymous(gateway, dataset) for _ in range(200)]
    assert [response.status_code for response in answers] == [401] * 50 + [429] * 150
    assert all("accessRecord" not in response.json()["extensions"] for response in answers)
    served = gateway.post(QUERY, {"id": dataset.persons[0]["gmsfhm"]})
    assert served.status_code == 200 and "entry" in served.json()["extensions"]["accessRecord"]
    assert _entry_count(gateway) == before + 1, "only the authenticated request has an entry of its own"

    gateway.stop()  # the last period's counts are written as the worker stops
    written = _anonymous_entries(gateway)
    assert len(written) == 1
    [counts] = written
    assert counts["address"] == "127.0.0.1" and counts["requests"] == 200
    assert counts["outcomes"] == {"RATE_LIMITED": 150, "UNAUTHENTICATED": 50}
    assert counts["since"] <= counts["until"]
    settings = gateway.runtime.settings
    listed = CliRunner().invoke(cli_app, ["audit", "anonymous"], env={
        "HUITONG_AUDIT_URL": settings.access_log_url, "HUITONG_STATE_DIR": str(settings.state_dir), "COLUMNS": "250"})
    assert listed.exit_code == 0, listed.output
    assert "127.0.0.1" in listed.output and "RATE_LIMITED 150, UNAUTHENTICATED 50" in listed.output


def test_the_counts_are_written_every_period(start, dataset) -> None:
    gateway = start(anonymous_record_seconds=0.5)
    started = time.monotonic()
    for _ in range(100):
        assert _anonymous(gateway, dataset).status_code == 401
    deadline = time.monotonic() + 10
    while sum(entry["requests"] for entry in _anonymous_entries(gateway)) < 100:
        assert time.monotonic() < deadline, "the counts were not written within 10 s"
        time.sleep(0.1)
    written = _anonymous_entries(gateway)
    periods = (time.monotonic() - started) / 0.5
    assert len(written) <= periods + 1, "at most one entry per address and period"


def test_behind_trusted_proxies_the_forwarded_address_is_counted(start, dataset) -> None:
    gateway = start(per_address="3/hour", trusted_proxies=["127.0.0.0/8"])

    def via_proxy(forwarded_for: str) -> int:
        return _anonymous(gateway, dataset, headers={"x-forwarded-for": forwarded_for}).status_code

    assert [via_proxy("198.51.100.1") for _ in range(3)] == [401] * 3
    assert via_proxy("198.51.100.1") == 429
    assert via_proxy("203.0.113.50, 198.51.100.1") == 429, "what the client wrote itself is not believed"
    assert via_proxy("198.51.100.2") == 401, "another client behind the same proxy has its own count"
    assert via_proxy("2001:db8::1") == 401
    assert [via_proxy("2001:db8::2") for _ in range(3)] == [401, 401, 429], "an IPv6 /64 is one address"


def test_forwarded_addresses_from_an_untrusted_peer_are_not_believed(start, dataset) -> None:
    gateway = start(per_address="3/hour")
    spoofed = [_anonymous(gateway, dataset, headers={"x-forwarded-for": f"198.51.100.{n}"}).status_code
               for n in range(6)]
    assert spoofed == [401] * 3 + [429] * 3


def test_two_authorization_headers_are_refused_whichever_comes_first(start, dataset) -> None:
    gateway = start(per_address="3/hour")
    valid = "Bearer " + mint_token(JWT_SECRET, "test-system", "civil-affairs")
    for pair in ([valid, valid], [valid, "Bearer " + BAD_TOKEN], ["Bearer " + BAD_TOKEN, valid]):
        response = httpx.post(gateway.url + "/graphql", json={"query": QUERY, "variables": {
            "id": dataset.persons[0]["gmsfhm"]}}, headers=[("authorization", value) for value in pair]
            + [("x-purpose", "social-assistance-review")])
        assert response.status_code == 400 and _code(response) == "BAD_REQUEST", response.text
        assert "2 Authorization headers" in response.json()["errors"][0]["message"]
        assert response.headers["www-authenticate"] == 'Bearer error="invalid_request"'
        assert "data" not in response.json()
    officer = "Bearer " + mint_token(JWT_SECRET, "officer", "data-bureau", ["security-officer"])
    refused = httpx.get(gateway.url + "/admin/policy/api/overview", headers=[("authorization", officer)] * 2)
    assert refused.status_code == 429, "each refusal counted against the address, the admin API's too"


def test_only_refused_requests_count_not_graphiqls_page(start, dataset) -> None:
    gateway = start(per_address="3/hour", dev_mode=True)
    pages = [httpx.get(gateway.url + "/graphql", headers={"accept": "text/html"}) for _ in range(5)]
    assert [page.status_code for page in pages] == [200] * 5  # development mode serves it to anyone
    assert [_anonymous(gateway, dataset).status_code for _ in range(4)] == [401, 401, 401, 429]
