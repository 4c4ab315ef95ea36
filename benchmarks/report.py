"""The results as Markdown: one table of latencies, one of throughput and of the features' overheads."""
from __future__ import annotations

from dataclasses import dataclass

from benchmarks.latency import Latency
from benchmarks.statements import SourceCounts
from benchmarks.throughput import Throughput

JOINED_P50_TARGET_MS = 150.0
THROUGHPUT_TARGET = 500.0
GOVERNANCE_OVERHEAD_TARGET = 0.10
RECORD_OVERHEAD_TARGETS = {"single person": 0.10, "joined": 0.05}


@dataclass(frozen=True)
class Scenario:
    name: str
    latency: Latency
    statements: SourceCounts
    floor: Latency | None = None
    p50_target_ms: float | None = None


@dataclass(frozen=True)
class Overhead:
    """What a feature (governance, the access record) adds to a scenario, on vs off."""

    feature: str
    name: str
    on: Latency
    off: Latency
    target: float

    @property
    def overhead(self) -> float:
        return (self.on.p50 - self.off.p50) / self.off.p50


@dataclass(frozen=True)
class Results:
    facts: dict[str, str]  # shown as "- key: value" above the tables
    scenarios: list[Scenario]
    throughputs: dict[str, Throughput]  # label -> measured
    overheads: list[Overhead]


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _statements(counts: SourceCounts) -> str:
    return f"{counts['population']} / {counts['entity']} / {counts['licence']}"


def _scenario_row(scenario: Scenario) -> str:
    latency, floor = scenario.latency, scenario.floor
    floor_cell = f"{floor.p50:.1f} / {floor.p95:.1f}" if floor else "–"
    if scenario.p50_target_ms is None:
        target = "–"
    else:
        target = f"p50 ≤ {scenario.p50_target_ms:.0f} ms: {_met(latency.p50 <= scenario.p50_target_ms)}"
    return (f"| {scenario.name} | {latency.count} | {latency.p50:.1f} | {latency.p95:.1f} | "
            f"{_statements(scenario.statements)} | {floor_cell} | {target} |")


def _throughput_row(label: str, throughput: Throughput) -> str:
    capacity = 1000 / throughput.gateway_cpu_ms_per_request
    return (f"| single-person lookup, {label}, 1 worker, {throughput.concurrency} concurrent, "
            f"{throughput.seconds:.0f} s ({throughput.client}); "
            f"CPU per request: gateway {throughput.gateway_cpu_ms_per_request:.2f} ms (≈ {capacity:.0f} req/s on a "
            f"core of its own), client {throughput.client_cpu_ms_per_request:.2f} ms on the same 2 cores "
            f"| {throughput.per_second:.0f} req/s ({throughput.requests} requests, {throughput.errors} errors) "
            f"| ≥ {THROUGHPUT_TARGET:.0f} req/s | {_met(throughput.per_second >= THROUGHPUT_TARGET)} |")


def _overhead_row(measured: Overhead) -> str:
    return (f"| {measured.feature} overhead, {measured.name} (p50 on {measured.on.p50:.1f} ms / off "
            f"{measured.off.p50:.1f} ms, {measured.on.count} alternating samples each) | {measured.overhead:+.1%} "
            f"| ≤ {measured.target:.0%} | {_met(measured.overhead <= measured.target)} |")


def render(results: Results) -> str:
    lines = [
        "# Federation benchmark",
        "",
        *(f"- {key}: {value}" for key, value in results.facts.items()),
        "",
        "| scenario | samples | p50 ms | p95 ms | statements (population / entity / licence) "
        "| floor p50 / p95 ms | target |",
        "| --- | ---: | ---: | ---: | :---: | ---: | --- |",
        *(_scenario_row(scenario) for scenario in results.scenarios),
        "",
        "| measure | figure | target | met |",
        "| --- | --- | --- | --- |",
        *(_throughput_row(label, throughput) for label, throughput in results.throughputs.items()),
        *(_overhead_row(measured) for measured in results.overheads),
        "",
    ]
    return "\n".join(lines)
