"""The three department stores of a run: created, filled with the synthetic dataset, dropped."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from departments.loading import Department, load_department
from departments.scratch import mariadb_database, postgres_database
from departments.synthetic import Dataset


@dataclass(frozen=True)
class Stores:
    population_url: str
    entity_url: str
    licence_store_url: str
    audit_url: str


@contextmanager
def fresh_stores(directory: Path) -> Iterator[Stores]:
    """Population on PostgreSQL, legal entities on MariaDB, licences in SQLite under `directory`, the access
    record on PostgreSQL (as in production)."""
    with ExitStack() as stack:
        yield Stores(stack.enter_context(postgres_database()), stack.enter_context(mariadb_database()),
                     f"sqlite+aiosqlite:///{directory}/licence.db", stack.enter_context(postgres_database()))


def load_stores(dataset: Dataset, stores: Stores, console: Console) -> None:
    targets: dict[Department, tuple[str, list[dict]]] = {
        "population": (stores.population_url, dataset.persons),
        "entity": (stores.entity_url, dataset.entities),
        "licence": (stores.licence_store_url, dataset.licences),
    }
    columns = (TextColumn("  {task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:

        async def load(department: Department) -> None:
            url, rows = targets[department]
            task = progress.add_task(department, total=len(rows))
            await load_department(url, department, rows, lambda inserted: progress.advance(task, inserted))

        async def load_all() -> None:
            await asyncio.gather(*(load(department) for department in targets))

        asyncio.run(load_all())
