"""Throughput from a separate client process: concurrent requests for a fixed time."""
from __future__ import annotations

import asyncio
import multiprocessing
import random
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import httpx

from benchmarks.queries import person_body

REQUEST_TIMEOUT_S = 10.0
RESULT_GRACE_S = 60.0


@dataclass(frozen=True)
class Throughput:
    requests: int
    errors: int
    seconds: float
    concurrency: int

    @property
    def per_second(self) -> float:
        """Successful requests per second."""
        return (self.requests - self.errors) / self.seconds


def measure_throughput(url: str, headers: dict[str, str], id_numbers: list[str], concurrency: int,
                       seconds: float, seed: int) -> Throughput:
    """Single-person lookups of random persons, `concurrency` in flight, for `seconds`."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(_run, url, headers, id_numbers, concurrency, seconds, seed)
        return future.result(timeout=seconds + RESULT_GRACE_S)


def _run(url: str, headers: dict[str, str], id_numbers: list[str], concurrency: int, seconds: float,
         seed: int) -> Throughput:
    return asyncio.run(_load(url, headers, id_numbers, concurrency, seconds, seed))


async def _load(url: str, headers: dict[str, str], id_numbers: list[str], concurrency: int, seconds: float,
                seed: int) -> Throughput:
    rng = random.Random(seed)
    counts = {"requests": 0, "errors": 0}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT_S, limits=limits,
                                 headers={"content-type": "application/json", **headers}) as client:
        await client.post("/graphql", content=person_body(id_numbers[0]))
        started = time.monotonic()
        deadline = started + seconds

        async def worker() -> None:
            while time.monotonic() < deadline:
                try:
                    response = await client.post("/graphql", content=person_body(rng.choice(id_numbers)))
                    failed = response.status_code != 200 or b'"errors"' in response.content
                except httpx.HTTPError:
                    failed = True
                counts["requests"] += 1
                counts["errors"] += failed

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return Throughput(counts["requests"], counts["errors"], elapsed, concurrency)
