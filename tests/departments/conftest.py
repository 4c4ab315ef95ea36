"""Fixtures of the department tests: a small dataset and scratch databases on the real servers."""

import asyncio
import datetime
import os
import secrets
from collections.abc import Iterator
from typing import NoReturn

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from departments.synthetic import Dataset, generate_dataset

SMALL_SIZES = {"persons": 500, "entities": 80, "licences": 800}
SEED = 20261122
AS_OF = datetime.date(2026, 11, 22)

POSTGRES_ADMIN_URL = os.environ.get(
    "HUITONG_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
MARIADB_ADMIN_URL = os.environ.get("HUITONG_TEST_MARIADB_URL", "mysql+asyncmy://root@127.0.0.1:3306/mysql")
_CONNECT_TIMEOUT = {"postgresql": {"timeout": 5}, "mysql": {"connect_timeout": 5}}


def server_unavailable(reason: str) -> NoReturn:
    """Under CI=true every backend must be exercised, so a missing server fails; elsewhere it skips."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def small_dataset() -> Dataset:
    return generate_dataset(**SMALL_SIZES, seed=SEED, as_of=AS_OF)


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    yield from _scratch_database(
        POSTGRES_ADMIN_URL, "CREATE DATABASE {name}", "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[str]:
    yield from _scratch_database(
        MARIADB_ADMIN_URL,
        "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        "DROP DATABASE IF EXISTS {name}",
    )


def _scratch_database(admin_url: str, create: str, drop: str) -> Iterator[str]:
    """A database made for this test session on the admin URL's server, dropped afterwards."""
    name = f"huitong_t_{secrets.token_hex(6)}"
    server = make_url(admin_url)
    try:
        asyncio.run(_execute(admin_url, create.format(name=name)))
    except (OSError, SQLAlchemyError) as error:
        server_unavailable(f"{server.get_backend_name()} at {server.host}:{server.port} is unavailable: {error}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_execute(admin_url, drop.format(name=name)))


async def _execute(admin_url: str, statement: str) -> None:
    url = make_url(admin_url)
    engine = create_async_engine(
        url, isolation_level="AUTOCOMMIT", connect_args=_CONNECT_TIMEOUT.get(url.get_backend_name(), {})
    )
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()
