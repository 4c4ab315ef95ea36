"""Generate the synthetic dataset and load each registry into its own store.

    python -m departments.seed --population-url URL --entity-url URL --licence-url URL \
        [--persons N --entities N --licences N --seed S]
"""

import asyncio
import datetime
import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import make_url

from departments.loading import Department, load_department
from departments.synthetic import Dataset, generate_dataset

DEMO_DATE = "2026-11-22"


def main(
    population_url: str = typer.Option("sqlite+aiosqlite:///data/population.db", help="Population store."),
    entity_url: str = typer.Option("sqlite+aiosqlite:///data/entity.db", help="Legal-entity store."),
    licence_url: str = typer.Option("sqlite+aiosqlite:///data/licence.db", help="Electronic-licence store."),
    persons: int = typer.Option(20_000, min=1),
    entities: int = typer.Option(3_000, min=1),
    licences: int = typer.Option(30_000, min=1),
    seed: int = typer.Option(20261122),
    as_of: datetime.datetime = typer.Option(DEMO_DATE, formats=["%Y-%m-%d"],
                                            help="The day the data describes (ages, validity); fixed for the demo, "
                                                 "so its keys stay the same on every machine."),
) -> None:
    console = Console()
    started = time.perf_counter()
    with console.status("Generating synthetic data…"):
        try:
            dataset = generate_dataset(persons, entities, licences, seed, as_of.date())
        except ValueError as error:  # sizes that cannot be made coherent, e.g. fewer licences than entities
            raise typer.BadParameter(str(error)) from None
    console.print(f"Generated {persons} persons, {entities} entities, {licences} licences "
                  f"in {time.perf_counter() - started:.1f} s")
    targets: dict[Department, str] = {"population": population_url, "entity": entity_url, "licence": licence_url}
    for url in targets.values():
        _create_sqlite_directory(url)
    asyncio.run(_load_all(console, dataset, targets))


async def _load_all(console: Console, dataset: Dataset, targets: dict[Department, str]) -> None:
    rows: dict[Department, list[dict[str, Any]]] = {
        "population": dataset.persons, "entity": dataset.entities, "licence": dataset.licences,
    }
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:

        async def load(department: Department) -> None:
            task = progress.add_task(department, total=len(rows[department]))
            await load_department(
                targets[department], department, rows[department],
                lambda inserted: progress.advance(task, inserted),
            )

        await asyncio.gather(*(load(department) for department in targets))


def _create_sqlite_directory(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


if __name__ == "__main__":
    typer.run(main)
