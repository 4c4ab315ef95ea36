"""Scratch PostgreSQL and MariaDB databases for a test or benchmark run, dropped afterwards (even on failure)."""
from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

POSTGRES_ADDRESS = (os.environ.get("HUITONG_TEST_POSTGRES_HOST", "127.0.0.1"), 5432)
MARIADB_ADDRESS = (os.environ.get("HUITONG_TEST_MARIADB_HOST", "127.0.0.1"), 3306)
POSTGRES = f"postgresql+asyncpg://postgres@{POSTGRES_ADDRESS[0]}:{POSTGRES_ADDRESS[1]}"
MARIADB = f"mysql+asyncmy://root@{MARIADB_ADDRESS[0]}:{MARIADB_ADDRESS[1]}"


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def _database_name() -> str:
    return "huitong_t_" + secrets.token_hex(4)


@contextmanager
def postgres_database() -> Iterator[str]:
    """Yields the SQLAlchemy async URL of a new database."""
    name = _database_name()
    asyncio.run(_admin(f"{POSTGRES}/postgres", f"CREATE DATABASE {name}"))
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        asyncio.run(_admin(f"{POSTGRES}/postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@contextmanager
def mariadb_database() -> Iterator[str]:
    """Yields the SQLAlchemy async URL of a new utf8mb4 database."""
    name = _database_name()
    admin = f"{MARIADB}/mysql?charset=utf8mb4"
    asyncio.run(_admin(admin, f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    try:
        yield f"{MARIADB}/{name}?charset=utf8mb4"
    finally:
        asyncio.run(_admin(admin, f"DROP DATABASE IF EXISTS {name}"))
