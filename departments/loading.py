"""Loading generated rows into a department's own store."""

from collections.abc import Callable
from typing import Any, Literal

from sqlalchemy import Table

from departments.database import create_engine
from departments.entity.tables import fr_jbxx
from departments.licence.tables import dzzz_zzxx
from departments.population.tables import rk_jbxx

Department = Literal["population", "entity", "licence"]

TABLES: dict[Department, Table] = {"population": rk_jbxx, "entity": fr_jbxx, "licence": dzzz_zzxx}
CHUNK_ROWS = 2000


async def load_department(
    database_url: str,
    department: Department,
    rows: list[dict[str, Any]],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Drop and recreate the department's table, then insert `rows` in chunks, in one transaction.

    `progress` is called after each chunk with the number of rows that chunk inserted.
    """
    table = TABLES[department]
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(table.drop, checkfirst=True)
            await connection.run_sync(table.create)
            for start in range(0, len(rows), CHUNK_ROWS):
                chunk = rows[start : start + CHUNK_ROWS]
                await connection.execute(table.insert(), chunk)
                if progress is not None:
                    progress(len(chunk))
    finally:
        await engine.dispose()
