"""Sequential latency: a warm-up, then timed calls, bounded by a count and a time budget."""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Sampling:
    samples: int
    warmup: int
    budget_s: float


@dataclass(frozen=True)
class Latency:
    samples_ms: tuple[float, ...]

    @property
    def count(self) -> int:
        return len(self.samples_ms)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        if self.count < 2:
            return self.samples_ms[0]
        return statistics.quantiles(self.samples_ms, n=20, method="inclusive")[18]


def measure(calls: Mapping[str, Callable[[], object]], sampling: Sampling) -> dict[str, Latency]:
    """Latency of each call; with several calls they alternate, so a noisy neighbour hits them alike.

    Stops after `sampling.samples` rounds or once `sampling.budget_s` (warm-up included) is spent.
    """
    deadline = time.monotonic() + sampling.budget_s
    for _ in range(sampling.warmup):
        for call in calls.values():
            call()
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(sampling.samples):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            timings[name].append((time.perf_counter() - started) * 1000)
        if time.monotonic() > deadline:
            break
    return {name: Latency(tuple(values)) for name, values in timings.items()}
