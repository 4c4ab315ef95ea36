"""The real servers the suite uses, and the rule for when one is missing."""
from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from departments import scratch


def require(name: str, address: tuple[str, int]) -> None:
    """A missing server fails the test that needs it, with how to start it; it never skips."""
    try:
        socket.create_connection(address, timeout=2).close()
    except OSError as exc:
        pytest.fail(f"{name} is not reachable at {address[0]}:{address[1]} ({exc}); start it (README 'Tests') "
                    "or run .ci/run, which starts any that is down")


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database; yields its URL and drops it afterwards."""
    require("PostgreSQL", scratch.POSTGRES_ADDRESS)
    with scratch.postgres_database() as url:
        yield url


@contextmanager
def mariadb_database() -> Iterator[str]:
    """A fresh MariaDB database in utf8mb4; yields its URL and drops it afterwards."""
    require("MariaDB", scratch.MARIADB_ADDRESS)
    with scratch.mariadb_database() as url:
        yield url


REDIS_ADDRESS = ("127.0.0.1", 6379)


def redis_server_url() -> str:
    """The real Redis; each test isolates its keys with its own `redis_prefix` (see conftest)."""
    require("Redis", REDIS_ADDRESS)
    return f"redis://{REDIS_ADDRESS[0]}:{REDIS_ADDRESS[1]}/0"
