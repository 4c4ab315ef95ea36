"""The federation benchmark: python -m benchmarks.federation (or make bench).

Real PostgreSQL and MariaDB, the licence service and the gateway in their own processes, the
default synthetic dataset. Every phase is bounded in count and time; the databases, processes and
temporary files go away at the end, whatever happens. The results go to benchmarks/results.md.
"""
from __future__ import annotations

import random
import secrets
import signal
import sys
import tempfile
import time
from contextlib import ExitStack, closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from rich.console import Console

from benchmarks.client import GraphQLClient
from benchmarks.department_keys import DepartmentKeys, write_department_keys
from benchmarks.environment import load_average, machine, source_revision
from benchmarks.floor import measure_floor
from benchmarks.gateway_settings import gateway_settings
from benchmarks.latency import Latency, Sampling, measure
from benchmarks.processes import Service, gateway, licence_service
from benchmarks.queries import DEPARTMENT, PURPOSE, governed_headers, person_body, persons_body
from benchmarks.report import (
    GOVERNANCE_OVERHEAD_TARGET,
    JOINED_P50_TARGET_MS,
    RECORD_OVERHEAD_TARGETS,
    Overhead,
    Results,
    Scenario,
    render,
)
from benchmarks.scenarios import person_lookups, persons_lookup
from benchmarks.statements import SourceCounts, count_statements
from benchmarks.stores import Stores, fresh_stores, load_stores
from benchmarks.throughput import Throughput, measure_throughput
from benchmarks.wrk import measure_with_wrk, wrk_available
from departments.synthetic import generate_dataset
from settings import Settings

COMMAND = "python -m benchmarks.federation"
RESULTS = Path(__file__).parent / "results.md"
SEED = 20261122
PERSONS, ENTITIES, LICENCES = 20_000, 3_000, 30_000
PERSON_NAME = "person(idNumber), 8 fields"
PERSONS_SIZES = (1, 100, 1000)
LOOKUP_IDS = 2000
SMALL = Sampling(samples=200, warmup=20, budget_s=30)
LARGE = Sampling(samples=40, warmup=5, budget_s=45)
THROUGHPUT_CONCURRENCY = 32
THROUGHPUT_SECONDS = 10.0


@dataclass(frozen=True)
class Gateways:
    governed: GraphQLClient
    ungoverned: GraphQLClient
    unrecorded: GraphQLClient


# gateway name -> (governance, access record)
GATEWAY_FEATURES = {"governed": (True, True), "ungoverned": (False, False), "unrecorded": (True, False),
                    "twin": (True, True)}


def _persons_name(size: int) -> str:
    return f"persons(idNumbers) × {size:,}, joined"


def _latencies(console: Console, gateways: Gateways, lookup_ids: list[str],
               persons_ids: list[str]) -> dict[str, Latency]:
    measured: dict[str, Latency] = {}
    with console.status(f"{PERSON_NAME}…"):
        measured[PERSON_NAME] = measure({"on": person_lookups(gateways.governed, lookup_ids)}, SMALL)["on"]
    _show(console, PERSON_NAME, measured[PERSON_NAME])
    for size in PERSONS_SIZES:
        name = _persons_name(size)
        with console.status(f"{name}…"):
            sampling = LARGE if size >= 1000 else SMALL
            measured[name] = measure({"on": persons_lookup(gateways.governed, persons_ids[:size])}, sampling)["on"]
        _show(console, name, measured[name])
    return measured


def _overheads(console: Console, gateways: Gateways, lookup_ids: list[str],
               persons_ids: list[str]) -> list[Overhead]:
    joined = _persons_name(len(persons_ids))
    cases = [
        ("governance", "single person", GOVERNANCE_OVERHEAD_TARGET, SMALL,
         person_lookups(gateways.unrecorded, lookup_ids), person_lookups(gateways.ungoverned, lookup_ids)),
        ("governance", joined, GOVERNANCE_OVERHEAD_TARGET, LARGE,
         persons_lookup(gateways.unrecorded, persons_ids), persons_lookup(gateways.ungoverned, persons_ids)),
        ("access record", "single person", RECORD_OVERHEAD_TARGETS["single person"], SMALL,
         person_lookups(gateways.governed, lookup_ids), person_lookups(gateways.unrecorded, lookup_ids)),
        ("access record", joined, RECORD_OVERHEAD_TARGETS["joined"], LARGE,
         persons_lookup(gateways.governed, persons_ids), persons_lookup(gateways.unrecorded, persons_ids)),
    ]
    overheads = []
    for feature, name, target, sampling, on, off in cases:
        with console.status(f"{feature} on/off, {name}…"):
            measured = measure({"on": on, "off": off}, sampling)
        overheads.append(Overhead(feature, name, measured["on"], measured["off"], target))
        console.print(f"  {feature} {name}: on p50 {measured['on'].p50:.1f} ms, "
                      f"off p50 {measured['off'].p50:.1f} ms, overhead {overheads[-1].overhead:+.1%}")
    return overheads


def _statements(settings: dict[str, str], stores: Stores, department_keys: DepartmentKeys, headers: dict[str, str],
                lookup_ids: list[str], persons_ids: list[str]) -> dict[str, SourceCounts]:
    bodies = {PERSON_NAME: person_body(lookup_ids[0])}
    bodies.update({_persons_name(size): persons_body(persons_ids[:size]) for size in PERSONS_SIZES})
    return count_statements(settings, stores.licence_store_url, department_keys, headers, bodies)


def _throughput(process: Service, headers: dict[str, str], lookup_ids: list[str]) -> Throughput:
    if wrk_available():
        return measure_with_wrk(process.url, process.pid, headers, lookup_ids, THROUGHPUT_CONCURRENCY,
                                THROUGHPUT_SECONDS)
    return measure_throughput(process.url, process.pid, headers, lookup_ids, THROUGHPUT_CONCURRENCY,
                              THROUGHPUT_SECONDS, SEED)


def _show(console: Console, name: str, latency: Latency) -> None:
    console.print(f"  {name}: p50 {latency.p50:.1f} ms, p95 {latency.p95:.1f} ms ({latency.count} samples)")


@dataclass(frozen=True)
class Measured:
    scenarios: list[Scenario]
    throughputs: dict[str, Throughput]
    overheads: list[Overhead]


def _run(console: Console, directory: Path) -> Measured:
    with ExitStack() as stack:
        with console.status("Creating the PostgreSQL and MariaDB databases…"):
            stores = stack.enter_context(fresh_stores(directory))
        with console.status("Generating the synthetic dataset (20,000 / 3,000 / 30,000)…"):
            dataset = generate_dataset(PERSONS, ENTITIES, LICENCES, SEED)
        console.print(f"Generated {len(dataset.persons):,} persons, {len(dataset.entities):,} entities, "
                      f"{len(dataset.licences):,} licences; loading:")
        load_stores(dataset, stores, console)

        rng = random.Random(SEED)
        all_ids = [person["gmsfhm"] for person in dataset.persons]
        lookup_ids = rng.sample(all_ids, LOOKUP_IDS)
        persons_ids = rng.sample(all_ids, max(PERSONS_SIZES))
        jwt_secret, token_key = secrets.token_urlsafe(48), secrets.token_urlsafe(32)
        headers = governed_headers(jwt_secret)
        department_keys = write_department_keys(directory)

        with console.status("Starting the licence service and the gateways…"):
            licence_url = stack.enter_context(licence_service(stores.licence_store_url, directory,
                                                              department_keys)).url
            settings = {name: gateway_settings(stores, licence_url, jwt_secret, token_key, directory / name,
                                               governance=governance, audit=audit, department_keys=department_keys)
                        for name, (governance, audit) in GATEWAY_FEATURES.items()}
            governed, ungoverned, unrecorded = (stack.enter_context(gateway(name, settings[name], directory))
                                                for name in ("governed", "ungoverned", "unrecorded"))
        gateways = Gateways(stack.enter_context(closing(GraphQLClient(governed.url, headers))),
                            stack.enter_context(closing(GraphQLClient(ungoverned.url, {}))),
                            stack.enter_context(closing(GraphQLClient(unrecorded.url, headers))))
        console.print(f"Gateways {governed.url} (governed, recorded), {unrecorded.url} (governed, not recorded), "
                      f"{ungoverned.url} (neither); licence service {licence_url}")

        latencies = _latencies(console, gateways, lookup_ids, persons_ids)
        with console.status(f"Throughput: {THROUGHPUT_CONCURRENCY} concurrent for {THROUGHPUT_SECONDS:.0f} s…"):
            throughputs = {label: _throughput(process, headers, lookup_ids)
                           for label, process in (("access record on", governed), ("access record off", unrecorded))}
        for label, throughput in throughputs.items():
            console.print(f"  throughput, {label}: {throughput.per_second:.0f} req/s, {throughput.errors} errors; "
                          f"CPU per request: gateway {throughput.gateway_cpu_ms_per_request:.2f} ms, "
                          f"client {throughput.client_cpu_ms_per_request:.2f} ms")
        overheads = _overheads(console, gateways, lookup_ids, persons_ids)
        with console.status("Counting statements per source (in-process gateway)…"):
            statements = _statements(settings["twin"], stores, department_keys, headers, lookup_ids, persons_ids)
        with console.status("Floor of the 1,000 joined persons…"):
            floor = measure_floor(stores, licence_url, department_keys.tokens(), persons_ids, LARGE)
        _show(console, "floor", floor)

    scenarios = [Scenario(PERSON_NAME, latencies[PERSON_NAME], statements[PERSON_NAME])]
    for size in PERSONS_SIZES:
        name, largest = _persons_name(size), size == max(PERSONS_SIZES)
        scenarios.append(Scenario(name, latencies[name], statements[name], floor if largest else None,
                                  JOINED_P50_TARGET_MS if largest else None))
    return Measured(scenarios, throughputs, overheads)


def _facts(started: datetime, elapsed_s: float, load_at_start: str) -> dict[str, str]:
    return {
        "date": f"{started:%Y-%m-%d %H:%M %z}",
        "command": f"`{COMMAND}` ({elapsed_s:.0f} s end to end)",
        "source": source_revision(),
        "machine": machine(),
        "load average": f"{load_at_start} at the start, {load_average()} at the end (shared machine)",
        "data": f"{PERSONS:,} persons on PostgreSQL, {ENTITIES:,} legal entities on MariaDB, {LICENCES:,} licences "
                f"in SQLite behind the licence service (its own process); synthetic, seed {SEED}",
        "gateway": f"one uvicorn worker, executor `{Settings().executor}`; caller {DEPARTMENT}, purpose {PURPOSE} "
                   "(person fields clear, licence fields masked)",
        "method": "sequential requests over one keep-alive httpx connection after a warm-up; a feature on and off "
                  "alternate request by request, governance being compared with the access record off on both "
                  "sides; with the access record on, each entry is durably committed to PostgreSQL before its "
                  "answer leaves; statements are the SQL statements each engine executed (BEGIN and ROLLBACK not "
                  "included) and the licence service's batch calls, counted on an in-process twin",
    }


def _exit_on_sigterm(signum: int, frame: object) -> NoReturn:
    sys.exit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    console = Console()
    started, clock, load_at_start = datetime.now().astimezone(), time.monotonic(), load_average()
    with tempfile.TemporaryDirectory(prefix="huitong-bench-") as directory:
        measured = _run(console, Path(directory))
    elapsed_s = time.monotonic() - clock
    table = render(Results(_facts(started, elapsed_s, load_at_start), measured.scenarios, measured.throughputs,
                           measured.overheads))
    RESULTS.write_text(table, encoding="utf-8")
    print()
    print(table)
    console.print(f"Written to {RESULTS} ({elapsed_s:.0f} s end to end)")


if __name__ == "__main__":
    main()
