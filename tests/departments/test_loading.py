"""Loading each department into SQLite, PostgreSQL and MariaDB, and reading it back."""

import pytest
from sqlalchemy import func, select, text

from departments.database import create_engine
from departments.loading import CHUNK_ROWS, TABLES, load_department
from departments.synthetic import generate_dataset
from tests.departments.conftest import AS_OF

RARE_CHARACTER_NAME = "王𠮷"  # 𠮷 lies outside the BMP: it needs utf8mb4 on MariaDB


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue(f"{request.param}_url")


def rows_of(dataset, department: str) -> list[dict]:
    rows = {"population": dataset.persons, "entity": dataset.entities, "licence": dataset.licences}[department]
    if department == "population":
        return [rows[0] | {"xm": RARE_CHARACTER_NAME}, *rows[1:]]
    return rows


def sample_row(rows: list[dict], department: str) -> dict:
    """A row exercising Chinese text, dates, and the department's null or decimal column."""
    if department == "population":
        return rows[0]
    if department == "entity":
        return next(row for row in rows if row["zczb"] is not None and row["zczb"] != row["zczb"].to_integral())
    return next(row for row in rows if row["zzyxqjzrq"] is None)


async def read_back(database_url: str, department: str, key: str) -> tuple[int, dict]:
    table = TABLES[department]
    primary_key = table.primary_key.columns[0]
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            count = await connection.scalar(select(func.count()).select_from(table))
            row = (await connection.execute(select(table).where(primary_key == key))).mappings().one()
    finally:
        await engine.dispose()
    return count, {str(column): value for column, value in row.items()}


@pytest.mark.parametrize("department", ["population", "entity", "licence"])
async def test_every_row_is_loaded_and_reads_back_unchanged(database_url, small_dataset, department):
    rows = rows_of(small_dataset, department)
    expected = sample_row(rows, department)
    key = expected[TABLES[department].primary_key.columns[0].name]

    await load_department(database_url, department, rows)

    count, stored = await read_back(database_url, department, key)
    assert count == len(rows)
    assert stored == expected


async def test_loading_again_replaces_the_table(database_url, small_dataset):
    await load_department(database_url, "entity", small_dataset.entities)
    await load_department(database_url, "entity", small_dataset.entities[:10])

    count, _ = await read_back(database_url, "entity", small_dataset.entities[0]["tyshxydm"])
    assert count == 10


async def test_mariadb_tables_are_utf8mb4(mariadb_url, small_dataset):
    await load_department(mariadb_url, "licence", small_dataset.licences[:1])

    engine = create_engine(mariadb_url)
    try:
        async with engine.connect() as connection:
            collation = await connection.scalar(
                text("SELECT table_collation FROM information_schema.tables "
                     "WHERE table_schema = DATABASE() AND table_name = 'dzzz_zzxx'")
            )
    finally:
        await engine.dispose()
    assert collation.startswith("utf8mb4")


async def test_progress_reports_each_chunk(tmp_path):
    persons = generate_dataset(persons=CHUNK_ROWS + 10, entities=1, licences=1, seed=1, as_of=AS_OF).persons
    reported: list[int] = []

    await load_department(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}", "population", persons, reported.append)

    assert reported == [CHUNK_ROWS, 10]
