"""A few keys of the demo data to try queries with: `huitong keys` (or `python -m departments.keys`).

People who hold licences and represent an entity come first, so a joined query shows every department.
"""
from __future__ import annotations

import asyncio

import typer
from sqlalchemy import func, select

from departments.database import create_engine
from departments.entity.tables import fr_jbxx
from departments.licence.tables import dzzz_zzxx
from departments.population.tables import rk_jbxx

CITIZEN_ID_HOLDER = "111"


async def _keys(population_url: str, entity_url: str, licence_url: str, count: int) -> dict[str, list[str]]:
    population, entity, licence = (create_engine(url) for url in (population_url, entity_url, licence_url))
    try:
        async with entity.connect() as connection:
            entities = (await connection.execute(
                select(fr_jbxx.c.tyshxydm, fr_jbxx.c.fddbrzjhm).order_by(fr_jbxx.c.tyshxydm).limit(200))).all()
        representatives = {row.fddbrzjhm for row in entities}
        async with licence.connect() as connection:
            holders = (await connection.execute(
                select(dzzz_zzxx.c.czztdm, func.min(dzzz_zzxx.c.zzbs))
                .where(dzzz_zzxx.c.czztdmlx == CITIZEN_ID_HOLDER, dzzz_zzxx.c.czztdm.in_(representatives))
                .group_by(dzzz_zzxx.c.czztdm).order_by(dzzz_zzxx.c.czztdm).limit(count))).all()
        async with population.connect() as connection:
            known = set((await connection.execute(
                select(rk_jbxx.c.gmsfhm).where(rk_jbxx.c.gmsfhm.in_([row[0] for row in holders])))).scalars())
        people = [row[0] for row in holders if row[0] in known][:count]
        chosen = [row.tyshxydm for row in entities if row.fddbrzjhm in people][:count]
        return {"idNumber": people, "uscc": chosen, "licenceId": [row[1] for row in holders][:count]}
    finally:
        for engine in (population, entity, licence):
            await engine.dispose()


def main(population_url: str = typer.Option("sqlite+aiosqlite:///data/population.db"),
         entity_url: str = typer.Option("sqlite+aiosqlite:///data/entity.db"),
         licence_url: str = typer.Option("sqlite+aiosqlite:///data/licence.db"),
         count: int = typer.Option(3, min=1, max=20)) -> None:
    keys = asyncio.run(_keys(population_url, entity_url, licence_url, count))
    for argument, values in keys.items():
        for value in values:
            typer.echo(f"{argument:<10} {value}")  # whole, never wrapped: they are meant to be copied


if __name__ == "__main__":
    typer.run(main)
