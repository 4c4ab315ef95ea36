"""Drives a gateway with the mixed workload from concurrent keep-alive connections for a fixed time."""
from __future__ import annotations

import asyncio
import random
import statistics
import time
from dataclasses import dataclass, field

import httpx
import orjson

from benchmarks.mixed_workload import KINDS, Keys, Kind, caller_headers, check_kind

REQUEST_TIMEOUT_S = 10.0
UNEXPECTED_SAMPLES = 5


@dataclass
class KindResult:
    latencies_ms: list[float] = field(default_factory=list)
    expected_errors: int = 0
    unexpected: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    def percentile(self, p: int) -> float:
        """The p-th percentile in ms (0 with no samples)."""
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else 0.0
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[p - 1]


@dataclass
class LoadResult:
    seconds: float
    connections: int
    kinds: dict[str, KindResult]
    unexpected_samples: list[str]

    @property
    def overall(self) -> KindResult:
        merged = KindResult()
        for result in self.kinds.values():
            merged.latencies_ms += result.latencies_ms
            merged.expected_errors += result.expected_errors
            merged.unexpected += result.unexpected
        return merged

    @property
    def per_second(self) -> float:
        return self.overall.requests / self.seconds


async def preflight(url: str, jwt_secret: str, keys: Keys, seed: int) -> None:
    """Asks every kind once and checks its answer, so a wrong set-up stops the run before it is measured."""
    rng, headers = random.Random(seed), caller_headers(jwt_secret)
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT_S) as client:
        for kind in KINDS:
            response = await client.post("/graphql", content=kind.body(rng, keys), headers=headers[kind.caller])
            check_kind(kind, response.status_code, response.content)


async def drive(url: str, jwt_secret: str, keys: Keys, connections: int, seconds: float, seed: int) -> LoadResult:
    """`connections` clients (one keep-alive connection each) ask kinds drawn by weight until `seconds` pass."""
    rng, headers = random.Random(seed), caller_headers(jwt_secret)
    results = {kind.name: KindResult() for kind in KINDS}
    samples: list[str] = []
    weights = [kind.weight for kind in KINDS]
    clients = [httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT_S, limits=httpx.Limits(max_connections=1))
               for _ in range(connections)]

    def unexpected(kind: Kind, what: str) -> None:
        results[kind.name].unexpected += 1
        if len(samples) < UNEXPECTED_SAMPLES:
            samples.append(f"{kind.name}: {what}")

    async def worker(client: httpx.AsyncClient) -> None:
        while time.monotonic() < deadline:
            kind = rng.choices(KINDS, weights)[0]
            body = kind.body(rng, keys)
            started = time.perf_counter()
            try:
                response = await client.post("/graphql", content=body, headers=headers[kind.caller])
                answer = orjson.loads(response.content)
            except (httpx.HTTPError, orjson.JSONDecodeError) as exc:
                results[kind.name].latencies_ms.append((time.perf_counter() - started) * 1000)
                unexpected(kind, f"{type(exc).__name__}: {exc}")
                continue
            results[kind.name].latencies_ms.append((time.perf_counter() - started) * 1000)
            if not kind.expected(response.status_code, answer):
                unexpected(kind, f"HTTP {response.status_code}: {response.text[:200]}")
            elif kind.codes:
                results[kind.name].expected_errors += 1

    started = time.monotonic()
    deadline = started + seconds
    try:
        await asyncio.gather(*(worker(client) for client in clients))
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
    return LoadResult(time.monotonic() - started, connections, results, samples)
