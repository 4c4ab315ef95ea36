"""The load test: python -m benchmarks.load [--duration 60] [--connections 16] (or make load).

Starts the licence service and one gateway (one uvicorn worker, access record on, rate limits it never
reaches: benchmarks/rate-limits.yaml) as their own processes on loopback, over SQLite departments
holding a fresh synthetic dataset; drives the gateway with the mixed workload
(benchmarks/mixed_workload.py) from concurrent keep-alive connections for the duration; prints
requests, req/s and p50/p95/p99 per query kind and overall, and the unexpected errors (5xx, transport
errors, an error code the kind does not expect). Exits 1 if there was any.
"""
from __future__ import annotations

import asyncio
import json
import random
import secrets
import signal
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from benchmarks.department_keys import write_department_keys
from benchmarks.gateway_settings import gateway_settings
from benchmarks.load_client import KindResult, LoadResult, drive, preflight
from benchmarks.mixed_workload import Keys
from benchmarks.processes import gateway, licence_service
from benchmarks.stores import Stores, load_stores
from departments.synthetic import generate_dataset

SEED = 20261122
KEY_SAMPLE = 2000

app = typer.Typer(add_completion=False)


def _stores(directory: Path) -> Stores:
    def sqlite(name: str) -> str:
        return f"sqlite+aiosqlite:///{directory}/{name}.db"

    return Stores(sqlite("population"), sqlite("entity"), sqlite("licence"), sqlite("access-log"))


def _keys(dataset, rng: random.Random) -> Keys:
    def sample(rows: list[dict], column: str) -> list[str]:
        return rng.sample([row[column] for row in rows], min(KEY_SAMPLE, len(rows)))

    return Keys(sample(dataset.persons, "gmsfhm"), sample(dataset.entities, "tyshxydm"),
                sample(dataset.licences, "zzbs"))


def _run(console: Console, directory: Path, persons: int, duration: float, connections: int) -> LoadResult:
    stores = _stores(directory)
    with console.status(f"Generating {persons:,} persons, {persons * 3 // 20:,} entities, "
                        f"{persons * 3 // 2:,} licences…"):
        dataset = generate_dataset(persons, persons * 3 // 20, persons * 3 // 2, SEED)
    load_stores(dataset, stores, console)
    keys = _keys(dataset, random.Random(SEED))
    jwt_secret, token_key = secrets.token_urlsafe(48), secrets.token_urlsafe(32)
    with ExitStack() as stack:
        with console.status("Starting the licence service and the gateway…"):
            department_keys = write_department_keys(directory)
            licence_url = stack.enter_context(licence_service(stores.licence_store_url, directory,
                                                              department_keys)).url
            settings = gateway_settings(stores, licence_url, jwt_secret, token_key, directory / "gateway",
                                        governance=True, audit=True, department_keys=department_keys)
            url = stack.enter_context(gateway("gateway", settings, directory)).url
            asyncio.run(preflight(url, jwt_secret, keys, SEED))
        with console.status(f"{connections} connections for {duration:.0f} s against {url}…"):
            return asyncio.run(drive(url, jwt_secret, keys, connections, duration, SEED))


def _row(name: str, result: KindResult) -> list[str]:
    return [name, f"{result.requests:,}", f"{result.expected_errors:,}", f"{result.unexpected:,}",
            *(f"{result.percentile(p):.1f}" for p in (50, 95, 99))]


def _print(console: Console, result: LoadResult) -> None:
    table = Table(title=f"{result.connections} connections, {result.seconds:.1f} s", box=box.SIMPLE_HEAD)
    table.add_column("query kind", no_wrap=True)
    for column in ("requests", "expected", "unexpected", "p50 ms", "p95 ms", "p99 ms"):
        table.add_column(column, justify="right")
    for name, kind in result.kinds.items():
        table.add_row(*_row(name, kind))
    table.add_row(*_row("overall", result.overall), style="bold")
    console.print(table)
    overall = result.overall
    console.print(f"requests {overall.requests:,}, {result.per_second:.0f} req/s, p50 {overall.percentile(50):.1f} ms, "
                  f"p95 {overall.percentile(95):.1f} ms, p99 {overall.percentile(99):.1f} ms, "
                  f"unexpected errors {overall.unexpected}", soft_wrap=True)
    for sample in result.unexpected_samples:
        console.print(f"  unexpected: {sample}", markup=False, soft_wrap=True)


def _summary(result: LoadResult) -> dict:
    def figures(kind: KindResult) -> dict:
        return {"requests": kind.requests, "expected_errors": kind.expected_errors, "unexpected": kind.unexpected,
                "p50_ms": kind.percentile(50), "p95_ms": kind.percentile(95), "p99_ms": kind.percentile(99)}

    return {"seconds": result.seconds, "connections": result.connections, "per_second": result.per_second,
            "overall": figures(result.overall), "kinds": {name: figures(kind) for name, kind in result.kinds.items()},
            "unexpected_samples": result.unexpected_samples}


def _exit_on_sigterm(signum: int, frame: object) -> NoReturn:
    sys.exit(128 + signum)


@app.command()
def main(duration: float = typer.Option(60.0, min=1, max=3600, help="seconds of load"),
         connections: int = typer.Option(16, min=1, max=256, help="concurrent keep-alive connections"),
         persons: int = typer.Option(20_000, min=500, help="persons in the synthetic dataset (entities and "
                                                          "licences in the demo's proportions)"),
         report: Annotated[Path | None, typer.Option(help="also write the figures to this file as JSON")] = None,
         ) -> None:
    """Mixed-query load on a loopback gateway; exit 1 on any unexpected error."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    console = Console() if sys.stdout.isatty() else Console(width=120)  # a log file gets the table unwrapped
    with tempfile.TemporaryDirectory(prefix="huitong-load-") as directory:
        result = _run(console, Path(directory), persons, duration, connections)
    _print(console, result)
    if report is not None:
        report.write_text(json.dumps(_summary(result), indent=2), encoding="utf-8")
    if result.overall.unexpected:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
