"""Throughput from a separate client process: concurrent requests for a fixed time.

The client's and the gateway's CPU time over the window are recorded too: on a 2-core machine
the client competes with the gateway, and the gateway's CPU time per request says how many
requests per second it would serve on a core of its own.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import random
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import httpx

from benchmarks.cpu import process_cpu_seconds
from benchmarks.queries import person_body

REQUEST_TIMEOUT_S = 10.0
RESULT_GRACE_S = 60.0


@dataclass(frozen=True)
class Throughput:
    requests: int
    errors: int
    seconds: float
    concurrency: int
    gateway_cpu_s: float
    client_cpu_s: float
    client: str = "Python httpx client"

    @property
    def per_second(self) -> float:
        """Successful requests per second."""
        return (self.requests - self.errors) / self.seconds

    @property
    def gateway_cpu_ms_per_request(self) -> float:
        return self.gateway_cpu_s * 1000 / max(self.requests, 1)

    @property
    def client_cpu_ms_per_request(self) -> float:
        return self.client_cpu_s * 1000 / max(self.requests, 1)


def measure_throughput(url: str, gateway_pid: int, headers: dict[str, str], id_numbers: list[str],
                       concurrency: int, seconds: float, seed: int) -> Throughput:
    """Single-person lookups of random persons, `concurrency` in flight, for `seconds`."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(_run, url, gateway_pid, headers, id_numbers, concurrency, seconds, seed)
        return future.result(timeout=seconds + RESULT_GRACE_S)


def _run(url: str, gateway_pid: int, headers: dict[str, str], id_numbers: list[str], concurrency: int,
         seconds: float, seed: int) -> Throughput:
    return asyncio.run(_load(url, gateway_pid, headers, id_numbers, concurrency, seconds, seed))


async def _load(url: str, gateway_pid: int, headers: dict[str, str], id_numbers: list[str], concurrency: int,
                seconds: float, seed: int) -> Throughput:
    # One client (one keep-alive connection) per worker: a single AsyncClient shared by 32 tasks spends
    # about 3x more CPU per request in its connection pool, and the client shares the 2 cores with the gateway.
    rng = random.Random(seed)
    counts = {"requests": 0, "errors": 0}
    sent = {"content-type": "application/json", **headers}
    clients = [httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT_S, headers=sent,
                                 limits=httpx.Limits(max_connections=1)) for _ in range(concurrency)]
    try:
        await asyncio.gather(*(client.post("/graphql", content=person_body(id_numbers[0])) for client in clients))
        gateway_cpu, client_cpu = process_cpu_seconds(gateway_pid), time.process_time()
        started = time.monotonic()
        deadline = started + seconds

        async def worker(client: httpx.AsyncClient) -> None:
            while time.monotonic() < deadline:
                try:
                    response = await client.post("/graphql", content=person_body(rng.choice(id_numbers)))
                    failed = response.status_code != 200 or b'"errors"' in response.content
                except httpx.HTTPError:
                    failed = True
                counts["requests"] += 1
                counts["errors"] += failed

        await asyncio.gather(*(worker(client) for client in clients))
        elapsed = time.monotonic() - started
        gateway_cpu = process_cpu_seconds(gateway_pid) - gateway_cpu
        client_cpu = time.process_time() - client_cpu
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
    return Throughput(counts["requests"], counts["errors"], elapsed, concurrency, gateway_cpu, client_cpu)
