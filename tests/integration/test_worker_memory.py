"""Malformed large bodies leave a worker's memory where it was: measured on a real server process (uvicorn, one
worker), its resident set before and after a flood of 600 KB bodies that are refused, once it has warmed up.

What used to keep them: a kept refusal raised again (a cached document's, a body's that could not be read) gathered
the frames of every request that raised it, and with them each request's body; the document cache was keyed by the
whole text."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx

from access.identity.minting import mint_token
from tests.support.gateway import JWT_SECRET, UNTHROTTLED, Stores
from tests.support.gateway_process import Deployment, Host

BODY_BYTES = 600_000
WARM_UP, FLOOD = 500, 2_000
ALLOWED_GROWTH_MB = 30
CONNECTIONS = 16

Kind = Callable[[int], tuple[bytes, bool]]  # request number -> (body, signed)
KINDS: list[Kind] = [
    lambda n: (b'{"query": "' + b"a" * BODY_BYTES, True),  # not JSON
    lambda n: (b'{"query": "' + b"\xff" * BODY_BYTES + b'"}', True),  # not UTF-8
    lambda n: (b'{"query": "{ a' + b" " * BODY_BYTES + b'}"}', True),  # a document over the size limit, repeated
    lambda n: (b'{"query": "{ a%d' % n + b" " * BODY_BYTES + b'}"}', True),  # ... and each one new
    lambda n: (b'{"query": "' + b"a" * BODY_BYTES, False),  # without a token
]


def _resident_mb(host: Host) -> float:
    assert host.process is not None
    status = Path(f"/proc/{host.process.pid}/status").read_text()
    kilobytes = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(kilobytes) / 1024


async def _flood(host: Host, requests: int, first: int) -> set[int]:
    signed = {"content-type": "application/json", "x-purpose": "social-assistance-review",
              "authorization": "Bearer " + mint_token(JWT_SECRET, "test-system", "civil-affairs")}
    limits = httpx.Limits(max_connections=CONNECTIONS)
    async with httpx.AsyncClient(base_url=host.url, timeout=60, limits=limits) as client:
        gate = asyncio.Semaphore(CONNECTIONS)

        async def send(n: int) -> int:
            body, with_token = KINDS[n % len(KINDS)](n)
            async with gate:
                response = await client.post("/graphql", content=body, headers=signed if with_token else {
                    "content-type": "application/json"})
            return response.status_code

        return set(await asyncio.gather(*(send(n) for n in range(first, first + requests))))


def test_malformed_large_bodies_leave_a_workers_memory_where_it_was(sqlite_stores: Stores, licence_url: str,
                                                                    tmp_path: Path) -> None:
    deployment = Deployment(sqlite_stores, licence_url, tmp_path, None, "huitong",
                            extra={"HUITONG_RATE_LIMITS_FILE": str(UNTHROTTLED)})
    try:
        host = deployment.start_host("memory")
        assert asyncio.run(_flood(host, WARM_UP, 0)) == {400, 401}
        warm = _resident_mb(host)
        assert asyncio.run(_flood(host, FLOOD, WARM_UP)) == {400, 401}
        after = _resident_mb(host)
        print(f"worker resident set: {warm:.0f} MB warm, {after:.0f} MB after {FLOOD} malformed "
              f"{BODY_BYTES // 1000} KB bodies ({after - warm:+.0f} MB)")
        assert after - warm <= ALLOWED_GROWTH_MB, f"{warm:.0f} MB -> {after:.0f} MB"
    finally:
        deployment.stop()
