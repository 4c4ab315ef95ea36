"""Shared fixtures: a small coherent dataset loaded into each backend, and gateways over it."""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.support.gateway import Gateway, Stores, load_stores, start_gateway
from tests.support.servers import mariadb_database, postgres_database, redis_server_url

PERSONS, ENTITIES, LICENCES = 1_200, 250, 2_200


@pytest.fixture(scope="session")
def dataset():
    from departments.synthetic import generate_dataset

    return generate_dataset(persons=PERSONS, entities=ENTITIES, licences=LICENCES, seed=7)


def _sqlite_stores(directory: Path) -> Stores:
    return Stores(f"sqlite+aiosqlite:///{directory}/population.db", f"sqlite+aiosqlite:///{directory}/entity.db",
                  f"sqlite+aiosqlite:///{directory}/licence.db", f"sqlite+aiosqlite:///{directory}/access-log.db")


@pytest.fixture(scope="session")
def sqlite_stores(dataset, tmp_path_factory: pytest.TempPathFactory) -> Stores:
    """The embedded default: each department a SQLite file."""
    chosen = _sqlite_stores(tmp_path_factory.mktemp("stores-sqlite"))
    load_stores(dataset, chosen)
    return chosen


@pytest.fixture(scope="session")
def server_stores(dataset, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    """Population on PostgreSQL, legal entities on MariaDB, each in a database made for this run."""
    directory = tmp_path_factory.mktemp("stores-servers")
    with ExitStack() as stack:
        chosen = Stores(stack.enter_context(postgres_database()), stack.enter_context(mariadb_database()),
                        f"sqlite+aiosqlite:///{directory}/licence.db", stack.enter_context(postgres_database()))
        load_stores(dataset, chosen)
        yield chosen


@pytest.fixture(scope="session", params=["sqlite", "server"])
def stores(request: pytest.FixtureRequest) -> Stores:
    """Every gateway test runs on both backends."""
    return request.getfixturevalue(f"{request.param}_stores")


@pytest.fixture(scope="session")
def gateway(stores: Stores) -> Iterator[Gateway]:
    started = start_gateway(stores)
    yield started
    started.stop()


@pytest.fixture()
def counted(gateway: Gateway) -> Gateway:
    gateway.reset_counts()
    return gateway


@pytest.fixture()
def redis_url() -> str:
    return redis_server_url()


@pytest.fixture()
def redis_prefix() -> str:
    """A key prefix of this test's own, so tests sharing the real Redis never see each other's keys."""
    return "huitong_t_" + secrets.token_hex(4)
