"""The real database servers the suite uses, and the rule for when one is missing."""
from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

POSTGRES = (os.environ.get("HUITONG_TEST_POSTGRES_HOST", "127.0.0.1"), 5432)
MARIADB = (os.environ.get("HUITONG_TEST_MARIADB_HOST", "127.0.0.1"), 3306)
REDIS = (os.environ.get("HUITONG_TEST_REDIS_HOST", "127.0.0.1"), 6379)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(name: str, address: tuple[str, int]) -> None:
    """Skip when a server is missing on a developer machine; fail under CI=true."""
    try:
        socket.create_connection(address, timeout=2).close()
    except OSError as exc:
        message = f"{name} is not reachable at {address[0]}:{address[1]} ({exc}); start it (README 'Tests')"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


def postgres_url(database: str, address: tuple[str, int] = POSTGRES) -> str:
    return f"postgresql+asyncpg://postgres@{address[0]}:{address[1]}/{database}"


def mariadb_url(database: str, address: tuple[str, int] = MARIADB) -> str:
    return f"mysql+asyncmy://root@{address[0]}:{address[1]}/{database}?charset=utf8mb4"


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database; yields its URL and drops it afterwards."""
    require("PostgreSQL", POSTGRES)
    name = "huitong_t_" + secrets.token_hex(4)
    asyncio.run(_admin(postgres_url("postgres"), f"CREATE DATABASE {name}"))
    try:
        yield postgres_url(name)
    finally:
        asyncio.run(_admin(postgres_url("postgres"), f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@contextmanager
def mariadb_database() -> Iterator[str]:
    """A fresh MariaDB database in utf8mb4; yields its URL and drops it afterwards."""
    require("MariaDB", MARIADB)
    name = "huitong_t_" + secrets.token_hex(4)
    admin = mariadb_url("mysql")
    asyncio.run(_admin(admin, f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    try:
        yield mariadb_url(name)
    finally:
        asyncio.run(_admin(admin, f"DROP DATABASE IF EXISTS {name}"))
