"""Fixtures of the department tests: a small dataset and scratch databases on the real servers."""

import datetime
from collections.abc import Iterator

import pytest

from departments.synthetic import Dataset, generate_dataset
from tests.support.servers import mariadb_database, postgres_database

SMALL_SIZES = {"persons": 500, "entities": 80, "licences": 800}
SEED = 20261122
AS_OF = datetime.date(2026, 11, 22)


@pytest.fixture(scope="session")
def small_dataset() -> Dataset:
    return generate_dataset(**SMALL_SIZES, seed=SEED, as_of=AS_OF)


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[str]:
    with mariadb_database() as url:
        yield url
