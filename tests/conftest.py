"""Shared fixtures: a small coherent dataset loaded into each backend, and gateways over it."""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from access.policy.registry import load_departments
from access.policy.store import Policy, load_policy
from catalog import Catalog, load_catalog
from settings import ROOT
from tests.support import one_parser
from tests.support.gateway import Gateway, Stores, load_stores, start_gateway
from tests.support.servers import mariadb_database, postgres_database, redis_server_url

PERSONS, ENTITIES, LICENCES = 1_200, 250, 2_200
one_parser.install()  # the suite's own parsers beside the gateways' worker threads


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


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The demo catalog."""
    return load_catalog(load_departments(ROOT / "policy" / "departments.csv"))


@pytest.fixture(scope="session")
def policy(catalog: Catalog) -> Policy:
    """The demo policy."""
    return load_policy(ROOT / "policy", catalog)


KINDS = ("integration", "faults", "fuzz")
# Fixtures (and parameters) that bring up a real server or process: such a test is an integration test
# wherever it lives.
SERVER_FIXTURES = frozenset({"gateway", "counted", "stores", "server_stores", "redis_url", "postgresql_url",
                             "mariadb_url"})
SERVER_PARAMETERS = frozenset({"postgresql", "mariadb", "server"})
PROCESS_MODULES = frozenset({"test_processes.py", "test_commands.py", "test_load_script.py"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test gets one kind: `unit` (make test-fast) unless it lives under a kind's folder or needs a server."""
    for item in items:
        parts = item.path.relative_to(ROOT / "tests").parts if item.path.is_relative_to(ROOT / "tests") else ()
        kind = next((k for k in KINDS if parts[:1] == (k,)), None)
        if kind is None:
            params = getattr(getattr(item, "callspec", None), "params", {})
            served = SERVER_FIXTURES & set(getattr(item, "fixturenames", ())) or \
                SERVER_PARAMETERS & {str(v) for v in params.values()} or item.path.name in PROCESS_MODULES
            kind = "integration" if served else "unit"
        item.add_marker(kind)
